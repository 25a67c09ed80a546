// Package config loads checkoutd's YAML configuration, applies
// environment overrides and validates the result.
package config

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pkg/errors"
	"gopkg.in/yaml.v3"
)

// Config is the whole service configuration.
type Config struct {
	HTTP      HTTPConfig      `yaml:"http"`
	GRPC      GRPCConfig      `yaml:"grpc"`
	Database  DatabaseConfig  `yaml:"database"`
	Payments  PaymentsConfig  `yaml:"payments"`
	Queue     QueueConfig     `yaml:"queue"`
	Mail      MailConfig      `yaml:"mail"`
	Inventory InventoryConfig `yaml:"inventory"`
	// SecretsDir holds one file per secret (mounted Kubernetes secret).
	SecretsDir string `yaml:"secretsDir"`
}

// HTTPConfig configures the public HTTP API.
type HTTPConfig struct {
	Addr         string        `yaml:"addr"`
	ReadTimeout  time.Duration `yaml:"readTimeout"`
	WriteTimeout time.Duration `yaml:"writeTimeout"`
}

// GRPCConfig configures the internal gRPC API.
type GRPCConfig struct {
	Addr string `yaml:"addr"`
}

// DatabaseConfig configures the Postgres pool.
type DatabaseConfig struct {
	DSN          string        `yaml:"dsn"`
	MaxOpenConns int           `yaml:"maxOpenConns"`
	QueryTimeout time.Duration `yaml:"queryTimeout"`
}

// PaymentsConfig selects and configures the payment gateways.
type PaymentsConfig struct {
	// Routes maps a currency to a gateway name ("stripe", "adyen",
	// "sandbox"); "*" is the default route.
	Routes        map[string]string `yaml:"routes"`
	StripeBaseURL string            `yaml:"stripeBaseURL"`
	AdyenBaseURL  string            `yaml:"adyenBaseURL"`
	AdyenMerchant string            `yaml:"adyenMerchant"`
	Timeout       time.Duration     `yaml:"timeout"`
}

// QueueConfig sizes the fulfilment worker pool.
type QueueConfig struct {
	Workers int `yaml:"workers"`
	Buffer  int `yaml:"buffer"`
}

// MailConfig configures order confirmation e-mails.
type MailConfig struct {
	SMTPAddr string `yaml:"smtpAddr"`
	From     string `yaml:"from"`
}

// InventoryConfig configures the warehouse sync.
type InventoryConfig struct {
	WarehouseURL string        `yaml:"warehouseURL"`
	SyncInterval time.Duration `yaml:"syncInterval"`
	RemoteAddr   string        `yaml:"remoteAddr"`
}

// Load reads the file at path, applies CHECKOUTD_* environment
// overrides and validates the result.
func Load(path string) (*Config, error) {
	raw, err := readSource(path)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	cfg := defaults()
	if err := yaml.Unmarshal(raw, cfg); err != nil {
		return nil, fmt.Errorf("load config: parse %s: %w", path, err)
	}
	applyEnv(cfg, os.LookupEnv)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	return cfg, nil
}

// readSource reads the configuration file; "-" means standard input.
func readSource(path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(os.Stdin)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, errors.Wrap(err, "read config source")
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, errors.Wrapf(err, "read %s", path)
	}
	return raw, nil
}

func defaults() *Config {
	return &Config{
		HTTP:      HTTPConfig{Addr: ":8080", ReadTimeout: 5 * time.Second, WriteTimeout: 10 * time.Second},
		GRPC:      GRPCConfig{Addr: ":9090"},
		Database:  DatabaseConfig{MaxOpenConns: 20, QueryTimeout: 2 * time.Second},
		Payments:  PaymentsConfig{Routes: map[string]string{"*": "sandbox"}, Timeout: 8 * time.Second},
		Queue:     QueueConfig{Workers: 8, Buffer: 256},
		Inventory: InventoryConfig{SyncInterval: time.Minute},
	}
}

// applyEnv overrides selected fields from the environment.
func applyEnv(cfg *Config, lookup func(string) (string, bool)) {
	if v, ok := lookup("CHECKOUTD_HTTP_ADDR"); ok {
		cfg.HTTP.Addr = v
	}
	if v, ok := lookup("CHECKOUTD_DATABASE_DSN"); ok {
		cfg.Database.DSN = v
	}
	if v, ok := lookup("CHECKOUTD_QUEUE_WORKERS"); ok {
		if n, err := strconv.Atoi(v); err == nil {
			cfg.Queue.Workers = n
		}
	}
	if v, ok := lookup("CHECKOUTD_PAYMENT_ROUTES"); ok {
		for _, kv := range strings.Split(v, ",") {
			if cur, gw, found := strings.Cut(kv, "="); found {
				cfg.Payments.Routes[strings.ToUpper(cur)] = gw
			}
		}
	}
}

// Validate checks that the configuration can run a service.
func (c *Config) Validate() error {
	if c.Database.DSN == "" {
		return errors.New("database.dsn is required")
	}
	if _, ok := c.Payments.Routes["*"]; !ok {
		return errors.New("payments.routes needs a default route \"*\"")
	}
	for cur, gw := range c.Payments.Routes {
		switch gw {
		case "stripe", "adyen", "sandbox":
		default:
			return fmt.Errorf("payments.routes[%s]: unknown gateway %q", cur, gw)
		}
	}
	if c.Queue.Workers < 1 {
		return fmt.Errorf("queue.workers must be at least 1, got %d", c.Queue.Workers)
	}
	return nil
}
