// Command checkoutd is the checkout service: the public HTTP API, the
// internal gRPC API, the fulfilment workers and the warehouse sync.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"k8s.io/klog/v2"

	"github.com/refract-demo/checkout/internal/api"
	"github.com/refract-demo/checkout/internal/config"
	"github.com/refract-demo/checkout/internal/grpcserver"
	"github.com/refract-demo/checkout/internal/inventory"
	"github.com/refract-demo/checkout/internal/metrics"
	"github.com/refract-demo/checkout/internal/notify"
	"github.com/refract-demo/checkout/internal/orders"
	"github.com/refract-demo/checkout/internal/payments"
	"github.com/refract-demo/checkout/internal/queue"
	"github.com/refract-demo/checkout/internal/store"
)

func main() {
	klog.InitFlags(nil)
	configPath := flag.String("config", "/etc/checkoutd/config.yaml", "path of the YAML configuration")
	flag.Parse()
	defer klog.Flush()

	cfg, err := config.Load(*configPath)
	if err != nil {
		klog.ErrorS(err, "failed to load configuration", "path", *configPath)
		os.Exit(1)
	}
	secrets, err := cfg.LoadSecrets()
	if err != nil {
		klog.ErrorS(err, "failed to load secrets", "dir", cfg.SecretsDir)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err := run(ctx, cfg, secrets); err != nil {
		klog.Errorf("checkoutd stopped: %v", err)
		klog.FlushAndExit(klog.ExitFlushTimeout, 1)
	}
	klog.Info("checkoutd stopped")
}

// newZap returns the JSON logger used by the order flow and the workers.
func newZap() (*zap.Logger, error) {
	zc := zap.NewProductionConfig()
	zc.Sampling = nil
	zc.DisableStacktrace = true
	zc.EncoderConfig.TimeKey = "ts"
	return zc.Build()
}

// run wires every component and blocks until ctx is done or one of the
// servers fails.
func run(ctx context.Context, cfg *config.Config, secrets *config.Secrets) error {
	log, err := newZap()
	if err != nil {
		return fmt.Errorf("init zap: %w", err)
	}
	defer func() { _ = log.Sync() }()

	db, err := store.Open(ctx, store.Options{
		DSN:          cfg.Database.DSN,
		MaxOpenConns: cfg.Database.MaxOpenConns,
		MaxIdleConns: cfg.Database.MaxOpenConns / 2,
		QueryTimeout: cfg.Database.QueryTimeout,
	})
	if err != nil {
		return err
	}
	defer db.Close()

	stockRepo := store.NewStockRepo(db)
	var stock inventory.Stock = stockRepo
	if cfg.Inventory.RemoteAddr != "" {
		conn, err := grpc.Dial(cfg.Inventory.RemoteAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return fmt.Errorf("dial inventory service: %w", err)
		}
		defer conn.Close()
		stock = inventory.NewRemoteStock(conn, cfg.Payments.Timeout)
	}
	reg := metrics.New()
	inv := inventory.NewService(stock, inventory.WithMaxQty(20), inventory.WithMetrics(reg))

	gateways := []payments.Gateway{
		payments.NewStripeGateway(cfg.Payments.StripeBaseURL, secrets.StripeAPIKey),
		payments.NewAdyenGateway(cfg.Payments.AdyenBaseURL, secrets.AdyenAPIKey, cfg.Payments.AdyenMerchant, cfg.Payments.Timeout),
		payments.NewSandboxGateway(500000),
	}
	router, err := payments.NewRouter(cfg.Payments.Routes, gateways, log)
	if err != nil {
		return fmt.Errorf("payment routes: %w", err)
	}

	pool := queue.New(cfg.Queue.Workers, cfg.Queue.Buffer, log)
	svc := orders.NewService(orders.Deps{
		Orders:    store.NewOrderRepo(db),
		Catalog:   store.NewCatalogRepo(db),
		Inventory: inv,
		Payments:  router,
		Jobs:      pool,
		Logger:    log,
	})
	fulfiller := orders.NewFulfiller(svc, log)
	pool.Register("capture", fulfiller)
	pool.Register("ship", fulfiller)

	lr := logrus.New()
	lr.SetFormatter(&logrus.TextFormatter{DisableColors: true, FullTimestamp: true})
	mailer := notify.NewMailer(cfg.Mail.SMTPAddr, cfg.Mail.From, secrets.SMTPPassword, lr)

	httpSrv := api.NewServer(api.Config{
		Addr:         cfg.HTTP.Addr,
		ReadTimeout:  cfg.HTTP.ReadTimeout,
		WriteTimeout: cfg.HTTP.WriteTimeout,
		Checks:       map[string]api.Pinger{"postgres": db},
		Metrics:      reg.Handler(),
	}, svc, payments.NewWebhookVerifier(secrets.WebhookSecret), mailer)

	grpcSrv := grpcserver.New(svc, log)
	lis, err := net.Listen("tcp", cfg.GRPC.Addr)
	if err != nil {
		return fmt.Errorf("listen grpc on %s: %w", cfg.GRPC.Addr, err)
	}

	errCh := make(chan error, 2)
	go pool.Run(ctx)
	go orders.NewReconciler(svc, log, time.Minute, orders.WithMaxPendingAge(20*time.Minute)).Run(ctx)
	if cfg.Inventory.WarehouseURL != "" {
		wc, err := inventory.NewWarehouseClient(cfg.Inventory.WarehouseURL)
		if err != nil {
			return err
		}
		go inventory.NewSyncer(wc, stockRepo, cfg.Inventory.SyncInterval).Run(ctx)
	}
	go func() {
		if err := grpcSrv.Serve(lis); err != nil {
			errCh <- fmt.Errorf("grpc server: %w", err)
		}
	}()
	go func() {
		if err := httpSrv.ListenAndServe(ctx); err != nil {
			errCh <- fmt.Errorf("http server: %w", err)
		}
	}()

	select {
	case err := <-errCh:
		return err
	case <-ctx.Done():
	}
	grpcSrv.GracefulStop()
	pool.Close()
	return nil
}
