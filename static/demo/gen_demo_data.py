#!/usr/bin/env python3
"""Generate Refract's demo data from the demo repository, deterministically.

    python3 static/demo/gen_demo_data.py

writes
    static/demo/logs/checkoutd.log        klog text, zap JSON and logrus JSON lines
    static/demo/traces/checkout-otlp.json OTLP JSON traces whose ids match the log lines
    tests/eval/demo.json                  labelled cases (one per error situation + variants)

Every caller `file:line` in a log line and every `line` in a case is looked up in the Go
source of static/demo/repo at generation time (a snippet that must occur exactly once, or a
function declaration), so editing the repository and re-running keeps everything consistent.
The only randomness is random.Random(SEED).
"""

import datetime as dt
import json
import os
import re
import random

SEED = 20261121
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.join(HERE, "repo")
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
MOD = "github.com/refract-demo/checkout"
PID = 1

# --------------------------------------------------------------------------------------------
# Source lookups


_SRC = {}


def src(file):
    if file not in _SRC:
        with open(os.path.join(REPO, file), encoding="utf-8") as f:
            _SRC[file] = f.read().split("\n")
    return _SRC[file]


def site(file, snippet):
    """1-based line of the only line of file containing snippet."""
    hits = [i + 1 for i, l in enumerate(src(file)) if snippet in l]
    if len(hits) != 1:
        raise SystemExit(f"{file}: snippet {snippet!r} found {len(hits)} times, want 1")
    return hits[0]


def pkg_of(file):
    return MOD + "/" + os.path.dirname(file)


def decl(file, func, lit=None):
    """Line of func's name (or of `func` for a literal, located by the snippet lit)."""
    if lit is not None:
        line = site(file, lit)
        if "func" not in src(file)[line - 1]:
            raise SystemExit(f"{file}:{line}: literal snippet does not contain func")
        return line
    m = re.match(r"^\((\*?)([\w./-]+)\.(\w+)\)\.(\w+)$", func)
    if m:
        star, pkg, typ, meth = m.groups()
        assert pkg == pkg_of(file), (func, file)
        pat = rf"^func \(\w+ {re.escape(star)}{typ}\) {meth}\("
    else:
        pkg, name = func.rsplit(".", 1)
        assert pkg == pkg_of(file), (func, file)
        pat = rf"^func {name}\("
    hits = [i + 1 for i, l in enumerate(src(file)) if re.match(pat, l)]
    if len(hits) != 1:
        raise SystemExit(f"{file}: declaration of {func} found {len(hits)} times")
    return hits[0]


def hop(file, func, kind, fmt, lit=None):
    full = func.replace("@", MOD + "/internal/").replace("%", MOD + "/cmd/")
    return {"file": file, "func": full, "line": decl(file, full, lit), "kind": kind, "fmt": fmt}


def const_holds(file, name, value):
    """Assert that the named const in file is declared with this string value."""
    pat = re.compile(rf"^\s*(const\s+)?{name}\s*=\s*{re.escape(json.dumps(value))}\s*$")
    if sum(1 for l in src(file) if pat.match(l)) != 1:
        raise SystemExit(f"{file}: const {name} = {value!r} not found")


def fmt_in(file, fmt_literal):
    """Assert the Go source really holds this string literal (labels must match the code)."""
    quoted = json.dumps(fmt_literal)
    if not any(quoted in l for l in src(file)):
        raise SystemExit(f"{file}: no string literal {quoted}")
    return fmt_literal


# --------------------------------------------------------------------------------------------
# Propagation paths, read off the code (outermost hop first). `@` = module/internal/.

A, O, F, P, S = ("internal/api/handlers.go", "internal/orders/service.go",
                 "internal/orders/fulfiller.go", "internal/payments/", "internal/store/")
Q, INV, G = "internal/queue/pool.go", "internal/inventory/", "internal/grpcserver/"
R_FILE = "internal/orders/reconciler.go"


def H_checkout():
    return hop(A, "(*@api.Server).handleCheckout", "log", "checkout failed")


def H_place():
    return hop(O, "(*@orders.Service).PlaceOrder", "wrap", fmt_in(O, "place order: %w"))


def H_authorize():
    return hop(O, "(*@orders.Service).authorize", "wrap", fmt_in(O, "authorize payment of %s: %w"))


def H_router(meth, fmt):
    kind = "passthrough" if fmt is None else "wrap"
    return hop(P + "router.go", f"(*@payments.Router).{meth}", kind,
               fmt and fmt_in(P + "router.go", fmt))


def H_stripe_decode(fmt_const, fmt):
    # the format string is a named const; check the const holds it
    const_holds(P + "stripe.go", fmt_const, fmt)
    return hop(P + "stripe.go", "@payments.decodeStripeError", "origin", fmt)


def H_stripe_post():
    return hop(P + "stripe.go", "(*@payments.StripeGateway).post", "passthrough", None)


def H_reserve_chain():
    return [
        hop(INV + "service.go", "(*@inventory.Service).Reserve", "wrap",
            fmt_in(INV + "service.go", "reserve stock for order %s: %w")),
        hop(INV + "service.go", "(*@inventory.Service).reserveLine", "wrap",
            fmt_in(INV + "service.go", "sku %s: %w")),
        hop(S + "stock.go", "(*@store.StockRepo).Reserve", "passthrough", None),
        hop(S + "db.go", "(*@store.DB).InTx", "passthrough", None),
        hop(S + "stock.go", "(*@store.StockRepo).Reserve$1", "origin_sentinel",
            None, lit="return r.db.InTx(ctx, func(tx *sql.Tx) error {"),
    ]


def H_adyen_send():
    return hop(P + "adyen.go", "(*@payments.AdyenGateway).send", "origin_external",
               fmt_in(P + "adyen.go", "adyen request %s: %w"))


def H_queue_top():
    return [
        hop(Q, "(*@queue.Pool).Run", "log", "job failed"),
        hop(Q, "(*@queue.Pool).work", "wrap", fmt_in(Q, "worker %d: job %s (%s): %w")),
        hop(Q, "(*@queue.Pool).process", "passthrough", None),
    ]


def root_of(path, external=None, sentinel=None):
    last = path[-1]
    return {"file": last["file"], "func": last["func"], "line": last["line"],
            "external_origin": external, "sentinel": sentinel}


PATHS = {}


def define_paths():
    p = PATHS
    not_found = hop(S + "catalog.go", "(*@store.CatalogRepo).Product", "origin_sentinel", None)
    p["product_not_found"] = ([H_checkout(), H_place(),
                               hop(O, "(*@orders.Service).priceCart", "wrap", fmt_in(O, "price item %s: %w")),
                               not_found], None, "store.ErrNotFound")
    p["currency_mismatch"] = ([H_checkout(), H_place(),
                               hop(O, "(*@orders.Service).priceCart", "origin",
                                   fmt_in(O, "item %s is priced in %s, cart is in %s"))], None, None)
    p["out_of_stock"] = ([H_checkout(), H_place()] + H_reserve_chain(), None, "store.ErrInsufficientStock")
    stripe_decline = [H_router("Authorize", None),
                      hop(P + "stripe.go", "(*@payments.StripeGateway).Authorize", "wrap",
                          fmt_in(P + "stripe.go", "stripe: authorize %s: %w")),
                      H_stripe_post(),
                      H_stripe_decode("declineFmt", "card declined: %s (decline_code=%s)")]
    p["stripe_decline"] = ([H_checkout(), H_place(), H_authorize()] + stripe_decline, None, None)
    p["adyen_timeout"] = ([H_checkout(), H_place(), H_authorize(), H_router("Authorize", None),
                           hop(P + "adyen.go", "(*@payments.AdyenGateway).Authorize", "wrap",
                               fmt_in(P + "adyen.go", "adyen: authorize payment %s: %w")),
                           hop("internal/retry/retry.go", "@retry.Do", "wrap",
                               fmt_in("internal/retry/retry.go", "giving up after %d attempts: %w")),
                           adyen_literal("Authorize"),
                           H_adyen_send()], "(*net/http.Client).Do", None)
    const_holds(P + "adyen.go", "refusedFmt", "adyen: refused: %s")
    p["adyen_refused"] = ([H_checkout(), H_place(), H_authorize(), H_router("Authorize", None),
                           hop(P + "adyen.go", "(*@payments.AdyenGateway).Authorize", "origin",
                               "adyen: refused: %s")], None, None)
    p["release_failed"] = ([hop(O, "(*@orders.Service).PlaceOrder", "log", "failed to release reservation"),
                            hop(INV + "service.go", "(*@inventory.Service).Release", "wrap",
                                fmt_in(INV + "service.go", "release reservation for order %s: %w")),
                            hop(S + "stock.go", "(*@store.StockRepo).Release", "origin_external", None)],
                           "(*database/sql.DB).ExecContext", None)
    conflict = hop(S + "orders.go", "(*@store.OrderRepo).UpdateStatus", "origin_sentinel", None)
    p["ship_conflict"] = (H_queue_top() + [
        hop(F, "(*@orders.Fulfiller).Handle", "passthrough", None),
        hop(F, "(*@orders.Fulfiller).ship", "wrap", fmt_in(F, "ship order %s: %w")),
        hop(O, "(*@orders.Service).markShipped", "wrap", fmt_in(O, "update order status: %w")),
        conflict], None, "store.ErrConflict")
    p["ship_panic"] = (H_queue_top() + [
        hop(Q, "(*@queue.Pool).process$1", "convert", fmt_in(Q, "panic in %s handler: %v"),
            lit="\tdefer func() {"),
        hop(F, "(*@orders.Fulfiller).Handle", "passthrough", None),
        hop(F, "(*@orders.Fulfiller).ship", "passthrough", None),
        hop(O, "(*@orders.Service).markShipped", "passthrough", None),
        hop("internal/orders/order.go", "@orders.mustTransition", "origin",
            fmt_in("internal/orders/order.go", "orders: illegal transition %s -> %s"))], None, None)
    stripe_capture = [H_router("Capture", "capture via %s: %w"),
                      hop(P + "stripe.go", "(*@payments.StripeGateway).Capture", "wrap",
                          fmt_in(P + "stripe.go", "stripe: capture %s: %w")),
                      H_stripe_post(),
                      H_stripe_decode("apiErrorFmt", "stripe api error %d: %s (%s)")]
    capture_log = hop(F, "(*@orders.Fulfiller).capture", "log", "payment capture failed")
    p["capture_stripe"] = ([capture_log] + stripe_capture, None, None)
    p["capture_stripe_job"] = (H_queue_top() + [
        hop(F, "(*@orders.Fulfiller).Handle", "passthrough", None),
        hop(F, "(*@orders.Fulfiller).capture", "wrap", fmt_in(F, "capture order %s: %w"))] + stripe_capture,
        None, None)
    p["capture_adyen"] = ([capture_log, H_router("Capture", "capture via %s: %w"),
                           hop(P + "adyen.go", "(*@payments.AdyenGateway).Capture", "wrap",
                               fmt_in(P + "adyen.go", "adyen capture %s")),
                           hop("internal/retry/retry.go", "@retry.Do", "wrap", "giving up after %d attempts: %w"),
                           adyen_literal("Capture"), H_adyen_send()], "(*net/http.Client).Do", None)
    cancel_log = hop(A, "(*@api.Server).handleCancel", "log", fmt_in(A, "cancel order %s failed: %v"))
    p["cancel_conflict"] = ([cancel_log,
                             hop(O, "(*@orders.Service).Cancel", "wrap", "update order status: %w"),
                             conflict], None, "store.ErrConflict")
    p["cancel_shipped"] = ([cancel_log,
                            hop(O, "(*@orders.Service).Cancel", "wrap", fmt_in(O, "cancel order %s: %w")),
                            hop("internal/orders/order.go", "@orders.checkTransition", "origin_sentinel",
                                fmt_in("internal/orders/order.go", "%w: %s -> %s"))],
                           None, "orders.ErrInvalidTransition")
    p["cancel_not_found"] = ([cancel_log,
                              hop(O, "(*@orders.Service).Cancel", "wrap", "cancel order %s: %w"),
                              hop(S + "orders.go", "(*@store.OrderRepo).Get", "origin_sentinel", None)],
                             None, "store.ErrNotFound")
    hook_log = hop(A, "(*@api.Server).handleWebhook", "log", fmt_in(A, "rejecting payment webhook from %s: %v"))
    parse = hop(P + "webhook.go", "(*@payments.WebhookVerifier).Parse", "wrap", fmt_in(P + "webhook.go", "verify webhook"))
    p["webhook_signature"] = ([hook_log, parse,
                               hop(P + "webhook.go", "(*@payments.WebhookVerifier).verify", "origin_sentinel",
                                   None)], None, "payments.ErrInvalidSignature")
    p["webhook_too_old"] = ([hook_log, parse,
                             hop(P + "webhook.go", "(*@payments.WebhookVerifier).verify", "origin",
                                 fmt_in(P + "webhook.go", "signature timestamp too old: %s"))], None, None)
    p["webhook_paid_conflict"] = ([hop(A, "(*@api.Server).handleWebhook", "log",
                                       fmt_in(A, "webhook %s: mark order %s paid: %v")),
                                   hop(O, "(*@orders.Service).MarkPaid", "wrap", "update order status: %w"),
                                   conflict], None, "store.ErrConflict")
    stripe_refund = [H_router("Refund", "refund via %s: %w"),
                     hop(P + "stripe.go", "(*@payments.StripeGateway).Refund", "wrap",
                         fmt_in(P + "stripe.go", "stripe: refund %s: %w")),
                     H_stripe_post(),
                     H_stripe_decode("apiErrorFmt", "stripe api error %d: %s (%s)")]
    p["refund_orders_log"] = ([hop(O, "(*@orders.Service).Refund", "log",
                                   fmt_in(O, "refund of order %s (%s) failed: %v"))] + stripe_refund, None, None)
    p["refund_api_log"] = ([hop(A, "(*@api.Server).handleRefund", "log", "refund failed"),
                            hop(O, "(*@orders.Service).Refund", "wrap", fmt_in(O, "refund order %s: %w"))]
                           + stripe_refund, None, None)
    p["get_order_timeout"] = ([hop(A, "(*@api.Server).handleGetOrder", "log", "get order failed"),
                               hop(O, "(*@orders.Service).Get", "passthrough", None),
                               hop(S + "orders.go", "(*@store.OrderRepo).Get", "origin_external",
                                   fmt_in(S + "orders.go", "query order %s: %w"))],
                              "(*database/sql.Row).Scan", None)
    sync_top = [hop(INV + "syncer.go", "(*@inventory.Syncer).Run", "log",
                    fmt_in(INV + "syncer.go", "inventory sync failed (%d in a row): %v")),
                hop(INV + "syncer.go", "(*@inventory.Syncer).syncOnce", "wrap",
                    fmt_in(INV + "syncer.go", "fetch warehouse levels: %w")),
                hop(INV + "warehouse.go", "(*@inventory.WarehouseClient).ListLevels", "wrap",
                    fmt_in(INV + "warehouse.go", "list levels page %d: %w"))]
    const_holds(INV + "warehouse.go", "errUnexpectedStatus", "unexpected status %d from %s: %s")
    p["sync_status"] = (sync_top + [hop(INV + "warehouse.go", "(*@inventory.WarehouseClient).get", "origin",
                                        "unexpected status %d from %s: %s")], None, None)
    p["sync_refused"] = (sync_top + [hop(INV + "warehouse.go", "(*@inventory.WarehouseClient).get",
                                         "origin_external", None)], "(*net/http.Client).Do", None)
    R = "internal/orders/reconciler.go"
    rec_log = hop(R, "(*@orders.Reconciler).Run", "log", "reconcile failed")
    p["reconcile_list"] = ([rec_log,
                            hop(R, "(*@orders.Reconciler).reconcileOnce", "wrap", fmt_in(R, "list pending orders: %w")),
                            hop(S + "orders.go", "(*@store.OrderRepo).ListByStatus", "origin_external",
                                fmt_in(S + "orders.go", "list orders in %s: %w"))],
                           "(*database/sql.DB).QueryContext", None)
    p["reconcile_release"] = ([rec_log,
                               hop(R, "(*@orders.Reconciler).reconcileOnce", "wrap",
                                   fmt_in(R, "expire stale order %s: %w")),
                               hop(R, "(*@orders.Reconciler).expire", "passthrough", None),
                               hop(INV + "service.go", "(*@inventory.Service).Release", "wrap",
                                   "release reservation for order %s: %w"),
                               hop(S + "stock.go", "(*@store.StockRepo).Release", "origin_external", None)],
                              "(*database/sql.DB).ExecContext", None)
    main = "cmd/checkoutd/main.go"
    p["config_missing"] = ([hop(main, "%checkoutd.main", "log", "failed to load configuration"),
                            hop("internal/config/config.go", "@config.Load", "wrap",
                                fmt_in("internal/config/config.go", "load config: %w")),
                            hop("internal/config/config.go", "@config.readSource", "origin_external",
                                fmt_in("internal/config/config.go", "read config source"))], "os.Open", None)
    p["secret_denied"] = ([hop(main, "%checkoutd.main", "log", "failed to load secrets"),
                           hop("internal/config/secrets.go", "(*@config.Config).LoadSecrets", "passthrough", None),
                           hop("internal/config/secrets.go", "(*@config.Config).readSecret", "origin_external",
                               fmt_in("internal/config/secrets.go", "secret %q: %w"))], "os.ReadFile", None)
    grpc_log = hop(G + "interceptors.go", "@grpcserver.LoggingInterceptor$1", "log",
                   "finished unary call with error",
                   lit="return func(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (interface{}, error) {")
    grpc_conv = hop(G + "server.go", "(*@grpcserver.Server).PlaceOrder", "convert",
                    fmt_in(G + "server.go", "place order: %v"))
    p["grpc_decline"] = ([grpc_log, grpc_conv, H_place(), H_authorize()] + stripe_decline, None, None)
    p["grpc_out_of_stock"] = ([grpc_log, grpc_conv, H_place()] + H_reserve_chain(),
                              None, "store.ErrInsufficientStock")
    p["mail_refused"] = ([hop("internal/notify/mailer.go", "(*@notify.Mailer).SendConfirmation$1", "log",
                              "failed to send order confirmation", lit="\tgo func() {"),
                          hop("internal/notify/mailer.go", "(*@notify.Mailer).deliver", "origin_external",
                              fmt_in("internal/notify/mailer.go", "smtp send to %s via %s: %w"))],
                         "net/smtp.SendMail", None)


def adyen_literal(method):
    """The func literal passed to retry.Do inside (*AdyenGateway).<method>."""
    file = P + "adyen.go"
    lines = src(file)
    start = decl(file, f"(*{MOD}/internal/payments.AdyenGateway).{method}")
    for i in range(start, len(lines)):
        if "retry.Do(ctx, a.policy, func(ctx context.Context) error {" in lines[i]:
            return {"file": file, "func": f"(*{MOD}/internal/payments.AdyenGateway).{method}$1",
                    "line": i + 1, "kind": "passthrough", "fmt": None}
    raise SystemExit(f"no retry literal in {method}")


# --------------------------------------------------------------------------------------------
# Log line renderers


def go_quote(s):
    return json.dumps(s, ensure_ascii=False)


def klog_line(level, t, file, snippet, body):
    line = site(file, snippet)
    return (f"{level}{t:%m%d %H:%M:%S}.{t.microsecond:06d} {PID:7d} "
            f"{os.path.basename(file)}:{line}] {body}")


def klog_s(level, t, file, snippet, msg, err, kvs):
    body = go_quote(msg)
    if err is not None:
        body += " err=" + go_quote(err)
    for k, v in kvs:
        body += f" {k}=" + (go_quote(v) if isinstance(v, str) else str(v))
    return klog_line(level, t, file, snippet, body)


def zap_line(level, t, logger, file, snippet, msg, fields):
    line = site(file, snippet)
    caller = "/".join(file.split("/")[-2:]) + f":{line}"
    parts = [f'"level":{go_quote(level)}', f'"ts":{t.timestamp():.6f}']
    if logger:
        parts.append(f'"logger":{go_quote(logger)}')
    parts += [f'"caller":{go_quote(caller)}', f'"msg":{go_quote(msg)}']
    for k, v in fields:
        parts.append(f"{go_quote(k)}:" + (go_quote(v) if isinstance(v, str) else json.dumps(v)))
    return "{" + ",".join(parts) + "}"


def logfmt_value(v):
    if v and all(c.isalnum() or c in "-._/@^+" for c in v):
        return v
    return go_quote(v)


def logrus_line(t, level, msg, fields):
    """logrus TextFormatter (DisableColors, FullTimestamp): time, level, msg, then sorted fields."""
    out = [f'time="{t.strftime("%Y-%m-%dT%H:%M:%SZ")}"', f"level={level}", "msg=" + logfmt_value(msg)]
    out += [f"{k}={logfmt_value(v)}" for k, v in sorted(fields)]
    return " ".join(out)


# --------------------------------------------------------------------------------------------
# Traces


class Trace:
    def __init__(self, rng, start):
        self.rng = rng
        self.id = "%032x" % rng.getrandbits(128)
        self.start = start
        self.spans = []

    def span(self, service, name, kind, parent, t0, ms, attrs=(), error=None, events=(), scope=None):
        sid = "%016x" % self.rng.getrandbits(64)
        s = {"service": service, "traceId": self.id, "spanId": sid, "parentSpanId": parent or "",
             "name": name, "kind": kind, "start": t0, "end": t0 + dt.timedelta(milliseconds=ms),
             "attributes": list(attrs), "events": list(events), "scope": scope}
        if error is not None:
            s["status"] = {"code": 2, "message": error}
        self.spans.append(s)
        return sid


SERVER, CLIENT, INTERNAL = 2, 3, 1
SCOPE = {"api-gateway": "envoy", "checkout": "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp",
         "payments": "io.opentelemetry.spring-webmvc-6.0", "backoffice": "io.opentelemetry.grpc-1.6",
         "warehouse": "io.opentelemetry.servlet-5.0"}


def attr(k, v):
    if isinstance(v, bool):
        return {"key": k, "value": {"boolValue": v}}
    if isinstance(v, int):
        return {"key": k, "value": {"intValue": str(v)}}
    return {"key": k, "value": {"stringValue": v}}


def http_attrs(method, route, status, target=None):
    a = [attr("http.method", method), attr("http.route", route), attr("http.status_code", status)]
    if target:
        a.append(attr("http.target", target))
    return a


def exception_event(t, typ, msg):
    return {"name": "exception", "time": t,
            "attributes": [attr("exception.type", typ), attr("exception.message", msg)]}


def db_span(tr, parent, t, ms, stmt, error=None):
    op = stmt.split()[0]
    table = {"SELECT": "FROM", "INSERT": "INTO", "UPDATE": "UPDATE"}[op]
    words = stmt.split()
    name = op + " " + (words[words.index(table) + 1] if table in words else "")
    return tr.span("checkout", name.strip(), CLIENT, parent, t, ms,
                   [attr("db.system", "postgresql"), attr("db.statement", stmt)], error=error,
                   scope="github.com/XSAM/otelsql")


def otlp(traces):
    by_service = {}
    for tr in traces:
        for s in tr.spans:
            by_service.setdefault(s["service"], []).append(s)
    out = []
    for service in sorted(by_service):
        spans = by_service[service]
        for i in range(0, len(spans), 120):  # exporters send batches
            batch = spans[i:i + 120]
            scopes = {}
            for s in batch:
                scopes.setdefault(s["scope"] or SCOPE.get(service, "manual"), []).append(s)
            out.append({
                "resource": {"attributes": [attr("service.name", service),
                                            attr("deployment.environment", "production"),
                                            attr("k8s.namespace.name", "shop")]},
                "scopeSpans": [{"scope": {"name": name},
                                "spans": [encode_span(s) for s in ss]} for name, ss in sorted(scopes.items())],
            })
    return {"resourceSpans": out}


def ns(t):
    return str(int(round(t.timestamp() * 1e6)) * 1000)


def encode_span(s):
    d = {"traceId": s["traceId"], "spanId": s["spanId"], "parentSpanId": s["parentSpanId"],
         "name": s["name"], "kind": s["kind"], "startTimeUnixNano": ns(s["start"]),
         "endTimeUnixNano": ns(s["end"]), "attributes": s["attributes"]}
    if s["events"]:
        d["events"] = [{"timeUnixNano": ns(e["time"]), "name": e["name"], "attributes": e["attributes"]}
                       for e in s["events"]]
    d["status"] = s.get("status", {"code": 0})
    return d


# --------------------------------------------------------------------------------------------
# Scenario generation


class Gen:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.logs = []      # (time, line)
        self.traces = []
        self.cases = []     # (situation, line)
        self.seen = {}

    # value helpers
    def hexid(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def alnum(self, n):
        return "".join(self.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                       for _ in range(n))

    def order_id(self):
        return "ord_" + self.hexid(20)

    def cart_id(self):
        return "cart_" + self.alnum(12)

    def sku(self):
        return "sku-%05d" % self.rng.randint(10000, 99999)

    def money(self, cur=None):
        cur = cur or self.rng.choice(["USD", "USD", "EUR", "GBP"])
        minor = self.rng.choice([1999, 2450, 4999, 8900, 12999, 3495, 15900, 750, 6420, 25000])
        return f"{minor // 100}.{minor % 100:02d} {cur}", cur

    def ip(self):
        return "10.%d.%d.%d" % (self.rng.randint(0, 60), self.rng.randint(0, 255), self.rng.randint(2, 254))

    def log(self, t, line, situation=None):
        self.logs.append((t, line))
        if situation and situation not in self.seen:
            self.seen[situation] = line
            self.cases.append((situation, line))

    # ---- request traces
    def checkout_trace(self, t, cart, n_items, outcome, psp=None, via="http"):
        """outcome: ok | not_found | mismatch | stock | decline | timeout | refused | release."""
        tr = Trace(self.rng, t)
        if via == "http":
            route = "/v1/carts/{cartID}/checkout"
            target = f"/v1/carts/{cart}/checkout"
            status = {"ok": 201, "not_found": 404, "mismatch": 500, "stock": 409}.get(outcome, 500)
            gw = tr.span("api-gateway", "POST /api/checkout", SERVER, None, t, 0,
                         http_attrs("POST", "/api/checkout", status))
            server = tr.span("checkout", "POST " + route, SERVER, gw, t + dt.timedelta(milliseconds=2), 0,
                             http_attrs("POST", route, status, target))
        else:
            status = {"ok": 0, "stock": 9}.get(outcome, 13)
            bo = tr.span("backoffice", "checkout.v1.CheckoutService/PlaceOrder", CLIENT, None, t, 0,
                         [attr("rpc.system", "grpc"), attr("rpc.grpc.status_code", status)])
            server = tr.span("checkout", "checkout.v1.CheckoutService/PlaceOrder", SERVER, bo,
                             t + dt.timedelta(milliseconds=1), 0,
                             [attr("rpc.system", "grpc"), attr("rpc.service", "checkout.v1.CheckoutService"),
                              attr("rpc.method", "PlaceOrder"), attr("rpc.grpc.status_code", status)])
            gw = bo
        cur_t = t + dt.timedelta(milliseconds=3)
        step = lambda ms: cur_t + dt.timedelta(milliseconds=ms)  # noqa: E731
        for i in range(n_items):
            ms = self.rng.randint(1, 6)
            db_span(tr, server, cur_t, ms, "SELECT sku, name, price_minor, currency, active FROM products WHERE sku = $1 AND active")
            cur_t = step(ms + 1)
            if outcome in ("not_found", "mismatch") and i == n_items - 1:
                break
        if outcome not in ("not_found", "mismatch"):
            db_span(tr, server, cur_t, 3, "INSERT INTO orders (id, cart_id, customer_id, status, amount_minor, currency, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)")
            cur_t = step(4)
            for i in range(n_items):
                db_span(tr, server, cur_t, 2, "SELECT available FROM stock WHERE sku = $1 FOR UPDATE")
                cur_t = step(3)
                if outcome == "stock" and i == n_items - 1:
                    break
                db_span(tr, server, cur_t, 2, "UPDATE stock SET available = available - $1 WHERE sku = $2")
                cur_t = step(3)
        if outcome in ("ok", "decline", "timeout", "refused", "release"):
            cur_t = self.payment_spans(tr, server, cur_t, psp, outcome)
        if outcome == "release":
            db_span(tr, server, cur_t, 2000, "UPDATE stock s SET available = s.available + r.qty FROM released r WHERE s.sku = r.sku",
                    error="pq: canceling statement due to statement timeout")
            cur_t = step(2001)
        if outcome == "ok":
            db_span(tr, server, cur_t, 2, "UPDATE orders SET payment_ref = $1, updated_at = now() WHERE id = $2")
            cur_t = step(3)
        end = cur_t + dt.timedelta(milliseconds=self.rng.randint(1, 4))
        for s in tr.spans:
            if s["spanId"] in (gw, server):
                s["end"] = end + dt.timedelta(milliseconds=1 if s["spanId"] == gw else 0)
                if (via == "http" and status >= 500) or (via == "grpc" and status == 13):
                    s["status"] = {"code": 2, "message": "" if s["spanId"] == gw else
                                   ("Internal" if via == "grpc" else "")}
        self.traces.append(tr)
        return tr, server, end

    def payment_spans(self, tr, parent, t, psp, outcome):
        path = "/v1/payment_intents" if psp == "stripe" else "/v70/payments"
        attempts = 4 if outcome == "timeout" else 1
        for a in range(attempts):
            if outcome == "timeout":
                ms = 3000
                c = tr.span("checkout", "HTTP POST", CLIENT, parent, t, ms,
                            [attr("http.method", "POST"), attr("http.url", f"https://payments.shop.svc/{psp}{path}"),
                             attr("peer.service", "payments")],
                            error="context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
                tr.span("payments", "POST /" + psp + path, SERVER, c, t + dt.timedelta(milliseconds=2), ms + 400,
                        http_attrs("POST", "/" + psp + path, 504), error="upstream timeout",
                        events=[exception_event(t + dt.timedelta(milliseconds=ms + 390),
                                                "java.net.SocketTimeoutException", "Read timed out")])
                t = t + dt.timedelta(milliseconds=ms + self.rng.randint(50, 400))
                continue
            status = 402 if outcome == "decline" else 200
            ms = self.rng.randint(180, 900)
            c = tr.span("checkout", "HTTP POST", CLIENT, parent, t, ms,
                        [attr("http.method", "POST"), attr("http.url", f"https://payments.shop.svc/{psp}{path}"),
                         attr("http.status_code", status), attr("peer.service", "payments")],
                        error=("HTTP 402" if status == 402 else None))
            tr.span("payments", "POST /" + psp + path, SERVER, c, t + dt.timedelta(milliseconds=2), ms - 4,
                    http_attrs("POST", "/" + psp + path, status),
                    events=([exception_event(t + dt.timedelta(milliseconds=ms - 6),
                                             "com.stripe.exception.CardException", "Your card was declined.")]
                            if status == 402 else []))
            t = t + dt.timedelta(milliseconds=ms + 1)
        return t

    def capture_spans(self, tr, parent, t, psp, error):
        path = "/v1/payment_intents/{id}/capture" if psp == "stripe" else "/v70/payments/{id}/captures"
        attempts = 4 if psp == "adyen" and error else 1
        for _ in range(attempts):
            ms = 3000 if psp == "adyen" and error else self.rng.randint(120, 600)
            status = 400 if (psp == "stripe" and error) else (None if error else 200)
            a = [attr("http.method", "POST"), attr("http.url", f"https://payments.shop.svc/{psp}{path}"),
                 attr("peer.service", "payments")]
            if status:
                a.append(attr("http.status_code", status))
            c = tr.span("checkout", "HTTP POST", CLIENT, parent, t, ms, a,
                        error=(("HTTP 400" if status == 400 else "context deadline exceeded") if error else None))
            if not (psp == "adyen" and error):
                tr.span("payments", "POST /" + psp + path, SERVER, c, t + dt.timedelta(milliseconds=2), ms - 4,
                        http_attrs("POST", "/" + psp + path, status or 200))
            t = t + dt.timedelta(milliseconds=ms + 200)
        return t

    # ---- situations
    def run(self):
        rng = self.rng
        t0 = dt.datetime(2026, 11, 21, 9, 58, 3, 120431, tzinfo=dt.timezone.utc)
        main = "cmd/checkoutd/main.go"
        # crash loop at start: missing config map, then unreadable secret, then a good start
        for i, path in enumerate(["/etc/checkoutd/config.yaml", "/etc/checkoutd/config.yaml",
                                  "/etc/checkoutd/checkoutd.yaml"]):
            t = t0 + dt.timedelta(seconds=10 * i * (i + 1), microseconds=rng.randint(0, 999999))
            err = f"load config: read config source: open {path}: no such file or directory"
            self.log(t, klog_s("E", t, main, '"failed to load configuration"', "failed to load configuration",
                               err, [("path", path)]), "config_missing")
        for i, name in enumerate(["adyen-api-key", "adyen-api-key"]):
            t = t0 + dt.timedelta(seconds=70 + 20 * i, microseconds=rng.randint(0, 999999))
            err = (f'secret "{name}": open /var/run/secrets/checkoutd/{name}: permission denied')
            self.log(t, klog_s("E", t, main, '"failed to load secrets"', "failed to load secrets",
                               err, [("dir", "/var/run/secrets/checkoutd")]), "secret_denied")
        t = t0 + dt.timedelta(seconds=115, microseconds=402117)
        self.log(t, klog_s("I", t, "internal/api/server.go", '"http server listening"', "http server listening",
                           None, [("addr", ":8080")]))

        start = dt.datetime(2026, 11, 21, 10, 0, 0, tzinfo=dt.timezone.utc)
        # the hour's traffic: a schedule of (minute offset, kind)
        schedule = []
        weights = [("ok", 90), ("not_found", 8), ("mismatch", 3), ("stock", 10), ("decline", 12),
                   ("timeout", 7), ("refused", 6), ("cancel", 10), ("get", 14), ("refund", 6),
                   ("webhook_bad", 4), ("webhook_old", 3), ("grpc_decline", 4), ("grpc_stock", 4),
                   ("capture_stripe", 5), ("capture_adyen", 3), ("ship_conflict", 5), ("ship_panic", 3),
                   ("mail", 5), ("panic", 2), ("webhook_conflict", 3)]
        for kind, n in weights:
            for _ in range(n):
                schedule.append((rng.uniform(0, 3600), kind))
        schedule.sort()
        # make every situation's first occurrence happen in the first 20 minutes
        for kind, _ in weights:
            first = next(i for i, (_, k) in enumerate(schedule) if k == kind)
            if schedule[first][0] > 1200:
                schedule[first] = (rng.uniform(0, 1200), kind)
        schedule.sort()
        for off, kind in schedule:
            t = start + dt.timedelta(seconds=off)
            getattr(self, "s_" + kind)(t)
        # the warehouse sync, once a minute; it fails for two stretches
        fails = 0
        for minute in range(60):
            t = start + dt.timedelta(minutes=minute, seconds=17, microseconds=rng.randint(0, 999999))
            if 12 <= minute < 17 or 41 <= minute < 44:
                fails += 1
                page = rng.randint(1, 4)
                if minute < 17:
                    err = (f"fetch warehouse levels: list levels page {page}: unexpected status 503 from "
                           "wms.internal:8443: upstream connect error or disconnect/reset before headers. "
                           "reset reason: connection failure")
                    sit = "sync_status"
                else:
                    err = (f"fetch warehouse levels: list levels page 1: Get \"https://wms.internal:8443/api/v2/"
                           f"levels?page=1\": dial tcp 10.40.1.12:8443: connect: connection refused")
                    sit = "sync_refused"
                self.log(t, klog_line("E", t, INV + "syncer.go", "klog.Errorf(\"inventory sync failed",
                                      f"inventory sync failed ({fails} in a row): {err}"), sit)
            else:
                fails = 0
                took = f"{rng.uniform(0.8, 3.9):.6f}s"
                self.log(t, klog_s("I", t, INV + "syncer.go", '"inventory sync done"', "inventory sync done", None,
                                   [("levels", rng.randint(4100, 4180)), ("unknown", rng.randint(0, 6)),
                                    ("took", took)]))
        # the pending-order reconciler, once a minute
        for minute in range(1, 60):
            t = start + dt.timedelta(minutes=minute, seconds=2, microseconds=rng.randint(0, 999999))
            if minute in (13, 14, 15):
                err = ("list pending orders: list orders in pending: pq: canceling statement due to "
                       "statement timeout")
                sit = "reconcile_list"
            elif minute in (27, 44):
                oid = self.order_id()
                err = (f"expire stale order {oid}: release reservation for order {oid}: driver: bad connection")
                sit = "reconcile_release"
            else:
                n = rng.choice([0, 0, 0, 1, 1, 2, 3])
                if n:
                    self.log(t, zap_line("info", t, "reconciler", R_FILE, 'r.log.Info("expired stale orders"',
                                         "expired stale orders", [("expired", n)]))
                continue
            self.log(t, zap_line("error", t, "reconciler", R_FILE, 'r.log.Error("reconcile failed"',
                                 "reconcile failed", [("expired", 0), ("error", err)]), sit)
        # readiness probe flaps while the database is slow
        for minute in (13, 41):
            t = start + dt.timedelta(minutes=minute, seconds=rng.randint(0, 59), microseconds=rng.randint(0, 999999))
            self.log(t, klog_line("W", t, "internal/api/health.go", 'klog.Warningf("readiness check',
                                  "readiness check postgres failed: ping database: context deadline exceeded"))
            t2 = t + dt.timedelta(minutes=3, seconds=rng.randint(0, 59))
            self.log(t2, klog_s("I", t2, "internal/api/health.go", '"service ready again"', "service ready again",
                                None, []))
        self.broken_traces(start)
        # Added after everything above (so none of its values change): jobs whose order row was
        # erased (a GDPR deletion at 10:50) before they ran. Capture and ship jobs then fail with
        # the same text shape, "job failed … (<kind>): <kind> order …: store: not found", which the
        # template miner folds into one template, but on two code paths (Fulfiller.capture and
        # Fulfiller.ship, both wrapping OrderRepo.Get's ErrNotFound): the Clusters tab's split.
        erased = start + dt.timedelta(minutes=50)
        for i, kind in enumerate(["capture", "ship", "capture", "ship", "ship"]):
            self.job_order_gone(erased + dt.timedelta(seconds=20 * i + rng.uniform(0, 15)), kind)

    def job_order_gone(self, t, kind):
        tr, server, end, oid, _ = self.placed(t, "stripe")
        t2 = end + dt.timedelta(seconds=self.rng.uniform(0.5, 5))
        if kind == "ship":
            t2 = self.capture_spans(tr, server, t2, "stripe", False)
            db_span(tr, server, t2, 2, self.UPD)
            t2 += dt.timedelta(seconds=self.rng.uniform(2, 30))
        db_span(tr, server, t2, 2, self.GET)
        w = self.rng.randint(0, 7)
        t3 = t2 + dt.timedelta(milliseconds=3)
        job = ("cap_" if kind == "capture" else "shp_") + oid
        self.log(t3, self.job_line(t3, tr, server, job, kind, oid,
                                   f"worker {w}: job {job} ({kind}): {kind} order {oid}: store: not found"))

    # each s_* method produces one request: trace + log lines
    def checkout_failure(self, t, outcome, err_fn, situation, psp=None, items=None):
        cart = self.cart_id()
        n = items or self.rng.randint(1, 4)
        tr, server, end = self.checkout_trace(t, cart, n, outcome, psp)
        err = err_fn()
        self.log(end, klog_s("E", end, A, '"checkout failed"', "checkout failed", err,
                             [("cart", cart), ("trace_id", tr.id), ("span_id", server)]), situation)
        return tr, server, end

    def s_ok(self, t):
        psp = self.rng.choice(["stripe", "stripe", "adyen"])
        cart = self.cart_id()
        tr, server, end = self.checkout_trace(t, cart, self.rng.randint(1, 4), "ok", psp)
        oid = self.order_id()
        amount, _ = self.money()
        self.log(end, zap_line("info", end, "orders", O, 's.log.Infow("order placed"', "order placed",
                               [("trace_id", tr.id), ("span_id", server), ("order_id", oid),
                                ("amount", amount), ("gateway", psp)]))
        if self.rng.random() < 0.3:
            t2 = end + dt.timedelta(seconds=self.rng.uniform(1, 20))
            self.capture_spans(tr, server, t2, psp, False)
            self.log(t2, zap_line("info", t2, "fulfiller", F, 'f.log.Info("order shipped"', "order shipped",
                                  [("trace_id", tr.id), ("span_id", server), ("order_id", oid)]))
        if self.rng.random() < 0.05:
            took = end - t + dt.timedelta(seconds=2)
            self.log(end, klog_line("W", end, "internal/api/middleware.go", "klog.Warningf(\"slow request",
                                    f"slow request POST /v1/carts/{cart}/checkout: 201 in {took.total_seconds():.6f}s"))

    def s_not_found(self, t):
        sku = self.sku()
        self.checkout_failure(t, "not_found", lambda: f"place order: price item {sku}: store: not found",
                              "product_not_found")

    def s_mismatch(self, t):
        sku = self.sku()
        self.checkout_failure(t, "mismatch",
                              lambda: f"place order: item {sku} is priced in EUR, cart is in GBP", "currency_mismatch")

    def s_stock(self, t):
        sku = self.sku()
        oid = self.order_id()
        self.checkout_failure(t, "stock", lambda: (f"place order: reserve stock for order {oid}: sku {sku}: "
                                                   "store: insufficient stock"), "out_of_stock")

    DECLINES = [("Your card has insufficient funds.", "insufficient_funds"),
                ("Your card was declined.", "generic_decline"),
                ("Your card has expired.", "expired_card"),
                ("Your card does not support this type of purchase.", "transaction_not_allowed")]

    def decline_text(self, oid, amount):
        msg, code = self.rng.choice(self.DECLINES)
        return (f"authorize payment of {amount}: stripe: authorize {oid}: card declined: {msg} "
                f"(decline_code={code})")

    def s_decline(self, t):
        oid = self.order_id()
        amount, _ = self.money("USD")
        tr, server, end = self.checkout_failure(t, "decline", lambda: "place order: " + self.decline_text(oid, amount),
                                                "stripe_decline", psp="stripe")
        if self.rng.random() < 0.35:
            self.release_failure(tr, server, end, oid)

    def release_failure(self, tr, server, end, oid):
        t = end - dt.timedelta(milliseconds=3)
        self.log(t, zap_line("error", t, "orders", O, 's.log.Errorw("failed to release reservation"',
                             "failed to release reservation",
                             [("trace_id", tr.id), ("span_id", server), ("order_id", oid),
                              ("error", f"release reservation for order {oid}: pq: canceling statement "
                                        "due to statement timeout")]), "release_failed")

    def s_timeout(self, t):
        oid = self.order_id()
        amount, _ = self.money("EUR")
        err = (f"place order: authorize payment of {amount}: adyen: authorize payment {oid}: giving up after 4 "
               f"attempts: adyen request /v70/payments: Post \"https://payments.shop.svc/adyen/v70/payments\": "
               "context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
        tr, server, end = self.checkout_failure(t, "timeout", lambda: err, "adyen_timeout", psp="adyen")
        if self.rng.random() < 0.5:
            self.release_failure(tr, server, end, oid)

    def s_refused(self, t):
        amount, _ = self.money("EUR")
        reason = self.rng.choice(["Not enough balance", "Refused", "CVC Declined", "FRAUD"])
        self.checkout_failure(t, "refused", lambda: f"place order: authorize payment of {amount}: adyen: refused: {reason}",
                              "adyen_refused", psp="adyen")

    def simple_trace(self, t, method, route, target, status, extra_db=None, db_error=None, ms=None):
        tr = Trace(self.rng, t)
        gw = tr.span("api-gateway", f"{method} /api{route}", SERVER, None, t, 0,
                     http_attrs(method, "/api" + route, status))
        server = tr.span("checkout", f"{method} {route}", SERVER, gw, t + dt.timedelta(milliseconds=1), 0,
                         http_attrs(method, route, status, target))
        cur = t + dt.timedelta(milliseconds=2)
        for stmt in (extra_db or []):
            d = ms or self.rng.randint(1, 5)
            err = db_error if stmt is extra_db[-1] else None
            db_span(tr, server, cur, d, stmt, error=err)
            cur += dt.timedelta(milliseconds=d + 1)
        end = cur + dt.timedelta(milliseconds=1)
        for s in tr.spans:
            if s["spanId"] in (gw, server):
                s["end"] = end
                if status >= 500:
                    s["status"] = {"code": 2, "message": ""}
        self.traces.append(tr)
        return tr, server, end

    GET = "SELECT id, cart_id, customer_id, status, amount_minor, currency, payment_ref, version, created_at, updated_at FROM orders WHERE id = $1"
    UPD = "UPDATE orders SET status = $1, version = version + 1, updated_at = now() WHERE id = $2 AND version = $3"

    def s_cancel(self, t):
        oid = self.order_id()
        r = self.rng.random()
        if r < 0.5:
            _, _, end = self.simple_trace(t, "POST", "/v1/orders/{orderID}/cancel", f"/v1/orders/{oid}/cancel", 409,
                                          [self.GET, self.UPD])
            err, sit = "update order status: store: version conflict", "cancel_conflict"
        elif r < 0.8:
            _, _, end = self.simple_trace(t, "POST", "/v1/orders/{orderID}/cancel", f"/v1/orders/{oid}/cancel", 409,
                                          [self.GET])
            err, sit = f"cancel order {oid}: orders: invalid status transition: shipped -> cancelled", "cancel_shipped"
        else:
            _, _, end = self.simple_trace(t, "POST", "/v1/orders/{orderID}/cancel", f"/v1/orders/{oid}/cancel", 404,
                                          [self.GET])
            err, sit = f"cancel order {oid}: store: not found", "cancel_not_found"
        self.log(end, klog_line("E", end, A, 'klog.Errorf("cancel order %s failed', f"cancel order {oid} failed: {err}"), sit)

    def s_get(self, t):
        oid = self.order_id()
        if self.rng.random() < 0.6:
            tr, server, end = self.simple_trace(t, "GET", "/v1/orders/{orderID}", f"/v1/orders/{oid}", 504,
                                                [self.GET], db_error="context deadline exceeded", ms=2000)
            self.log(end, klog_s("E", end, A, '"get order failed"', "get order failed",
                                 f"query order {oid}: context deadline exceeded",
                                 [("order", oid), ("trace_id", tr.id), ("span_id", server)]), "get_order_timeout")
        else:
            self.simple_trace(t, "GET", "/v1/orders/{orderID}", f"/v1/orders/{oid}", 200, [self.GET])

    def s_refund(self, t):
        oid = self.order_id()
        amount, _ = self.money("USD")
        pi = "pi_3" + self.alnum(23)
        msg = self.rng.choice([f"Charge ch_3{self.alnum(23)} has already been refunded.",
                               "Refund amount ($%s) is greater than unrefunded amount on charge ($0.00)" % amount.split()[0]])
        code = "charge_already_refunded" if msg.startswith("Charge") else "amount_too_large"
        inner = f"refund via stripe: stripe: refund {pi}: stripe api error 400: {msg} ({code})"
        tr, server, end = self.simple_trace(t, "POST", "/v1/orders/{orderID}/refund", f"/v1/orders/{oid}/refund", 500,
                                            [self.GET])
        c = tr.span("checkout", "HTTP POST", CLIENT, server, end - dt.timedelta(milliseconds=1), 240,
                    [attr("http.method", "POST"), attr("http.url", "https://payments.shop.svc/stripe/v1/refunds"),
                     attr("http.status_code", 400), attr("peer.service", "payments")], error="HTTP 400")
        tr.span("payments", "POST /stripe/v1/refunds", SERVER, c, end, 236, http_attrs("POST", "/stripe/v1/refunds", 400),
                events=[exception_event(end + dt.timedelta(milliseconds=230),
                                        "com.stripe.exception.InvalidRequestException", msg)])
        end2 = end + dt.timedelta(milliseconds=245)
        for s in tr.spans[:2]:
            s["end"] = end2
        self.log(end2, zap_line("error", end2, "orders", O, 's.log.Errorf("refund of order', 
                                f"refund of order {oid} ({amount}) failed: {inner}", []), "refund_orders_log")
        end3 = end2 + dt.timedelta(microseconds=180)
        self.log(end3, klog_s("E", end3, A, '"refund failed"', "refund failed", f"refund order {oid}: {inner}",
                              [("order", oid), ("trace_id", tr.id), ("span_id", server)]), "refund_api_log")

    def s_webhook_bad(self, t):
        ip = self.ip()
        self.simple_trace(t, "POST", "/v1/webhooks/payments", "/v1/webhooks/payments", 400)
        self.log(t, klog_line("E", t, A, 'klog.Errorf("rejecting payment webhook',
                              f"rejecting payment webhook from {ip}:{self.rng.randint(30000, 60999)}: verify webhook: "
                              "payments: invalid webhook signature"), "webhook_signature")

    def s_webhook_old(self, t):
        ip = self.ip()
        self.simple_trace(t, "POST", "/v1/webhooks/payments", "/v1/webhooks/payments", 500)
        age = f"{self.rng.randint(5, 40)}m{self.rng.randint(0, 59)}s"
        self.log(t, klog_line("E", t, A, 'klog.Errorf("rejecting payment webhook',
                              f"rejecting payment webhook from {ip}:{self.rng.randint(30000, 60999)}: verify webhook: "
                              f"signature timestamp too old: {age}"), "webhook_too_old")

    def s_webhook_conflict(self, t):
        oid = self.order_id()
        ev = "evt_3" + self.alnum(23)
        _, _, end = self.simple_trace(t, "POST", "/v1/webhooks/payments", "/v1/webhooks/payments", 409,
                                      [self.GET, self.UPD])
        self.log(end, klog_line("E", end, A, 'klog.Errorf("webhook %s: mark order',
                                f"webhook {ev}: mark order {oid} paid: update order status: store: version conflict"),
                 "webhook_paid_conflict")

    def grpc_line(self, level, t, tr, server, code, err, took):
        snippet = 'log.Warn("finished unary call' if level == "warn" else 'log.Error("finished unary call'
        return zap_line(level, t, "grpc", G + "interceptors.go", snippet, "finished unary call with error",
                        [("trace_id", tr.id), ("span_id", server),
                         ("grpc.method", "/checkout.v1.CheckoutService/PlaceOrder"), ("grpc.code", code),
                         ("grpc.time", round(took, 6)), ("error", err)])

    def s_grpc_decline(self, t):
        oid = self.order_id()
        amount, _ = self.money("USD")
        tr, server, end = self.checkout_trace(t, self.cart_id(), self.rng.randint(1, 3), "decline", "stripe", via="grpc")
        err = "rpc error: code = Internal desc = place order: place order: " + self.decline_text(oid, amount)
        self.log(end, self.grpc_line("error", end, tr, server, "Internal", err, (end - t).total_seconds()),
                 "grpc_decline")

    def s_grpc_stock(self, t):
        oid = self.order_id()
        tr, server, end = self.checkout_trace(t, self.cart_id(), self.rng.randint(1, 3), "stock", via="grpc")
        err = (f"rpc error: code = FailedPrecondition desc = place order: place order: reserve stock for order {oid}: "
               f"sku {self.sku()}: store: insufficient stock")
        self.log(end, self.grpc_line("warn", end, tr, server, "FailedPrecondition", err, (end - t).total_seconds()),
                 "grpc_out_of_stock")

    def job_line(self, t, tr, server, job_id, kind, oid, err):
        return zap_line("error", t, "queue", Q, 'p.log.Error("job failed", append(je.fields()', "job failed",
                        [("trace_id", tr.id), ("span_id", server), ("job_id", job_id), ("kind", kind),
                         ("order_id", oid), ("attempt", 0), ("error", err)])

    def placed(self, t, psp):
        tr, server, end = self.checkout_trace(t, self.cart_id(), self.rng.randint(1, 3), "ok", psp)
        oid = self.order_id()
        amount, _ = self.money("USD" if psp == "stripe" else "EUR")
        self.log(end, zap_line("info", end, "orders", O, 's.log.Infow("order placed"', "order placed",
                               [("trace_id", tr.id), ("span_id", server), ("order_id", oid),
                                ("amount", amount), ("gateway", psp)]))
        return tr, server, end, oid, amount

    def s_capture_stripe(self, t):
        tr, server, end, oid, amount = self.placed(t, "stripe")
        pi = "pi_3" + self.alnum(23)
        t2 = end + dt.timedelta(seconds=self.rng.uniform(0.5, 5))
        t3 = self.capture_spans(tr, server, t2, "stripe", True)
        msg = self.rng.choice(["This PaymentIntent could not be captured because it has a status of canceled.",
                               "The provided PaymentIntent has expired and cannot be captured."])
        code = "payment_intent_unexpected_state"
        inner = f"capture via stripe: stripe: capture {pi}: stripe api error 400: {msg} ({code})"
        self.log(t3, zap_line("error", t3, "fulfiller", F, 'f.log.Error("payment capture failed"',
                              "payment capture failed",
                              [("trace_id", tr.id), ("span_id", server), ("order_id", oid), ("payment_ref", pi),
                               ("amount", amount), ("error", inner)]), "capture_stripe")
        t4 = t3 + dt.timedelta(microseconds=220)
        w = self.rng.randint(0, 7)
        self.log(t4, self.job_line(t4, tr, server, "cap_" + oid, "capture", oid,
                                   f"worker {w}: job cap_{oid} (capture): capture order {oid}: {inner}"),
                 "capture_stripe_job")

    def s_capture_adyen(self, t):
        tr, server, end, oid, amount = self.placed(t, "adyen")
        psp = "".join(self.rng.choice("0123456789") for _ in range(16))
        t2 = end + dt.timedelta(seconds=self.rng.uniform(0.5, 5))
        t3 = self.capture_spans(tr, server, t2, "adyen", True)
        inner = (f"capture via adyen: adyen capture {psp}: giving up after 4 attempts: adyen request "
                 f"/v70/payments/{psp}/captures: Post \"https://payments.shop.svc/adyen/v70/payments/{psp}/captures\": "
                 "context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
        self.log(t3, zap_line("error", t3, "fulfiller", F, 'f.log.Error("payment capture failed"',
                              "payment capture failed",
                              [("trace_id", tr.id), ("span_id", server), ("order_id", oid), ("payment_ref", psp),
                               ("amount", amount), ("error", inner)]), "capture_adyen")
        t4 = t3 + dt.timedelta(microseconds=190)
        w = self.rng.randint(0, 7)
        self.log(t4, self.job_line(t4, tr, server, "cap_" + oid, "capture", oid,
                                   f"worker {w}: job cap_{oid} (capture): capture order {oid}: {inner}"))

    def s_ship_conflict(self, t):
        tr, server, end, oid, _ = self.placed(t, "stripe")
        t2 = end + dt.timedelta(seconds=self.rng.uniform(2, 30))
        t3 = self.capture_spans(tr, server, t2, "stripe", False)
        db_span(tr, server, t3, 2, self.UPD)
        w = self.rng.randint(0, 7)
        t4 = t3 + dt.timedelta(milliseconds=4)
        self.log(t4, self.job_line(t4, tr, server, "shp_" + oid, "ship", oid,
                                   f"worker {w}: job shp_{oid} (ship): ship order {oid}: update order status: "
                                   "store: version conflict"), "ship_conflict")

    def s_ship_panic(self, t):
        tr, server, end, oid, _ = self.placed(t, "stripe")
        t2 = end + dt.timedelta(seconds=self.rng.uniform(2, 30))
        t3 = self.capture_spans(tr, server, t2, "stripe", False)
        w = self.rng.randint(0, 7)
        t4 = t3 + dt.timedelta(milliseconds=3)
        frm = self.rng.choice(["cancelled", "refunded"])
        self.log(t4, self.job_line(t4, tr, server, "shp_" + oid, "ship", oid,
                                   f"worker {w}: job shp_{oid} (ship): panic in ship handler: orders: illegal "
                                   f"transition {frm} -> shipped"), "ship_panic")

    def s_mail(self, t):
        tr, server, end, oid, _ = self.placed(t, "stripe")
        user = self.rng.choice(["jane.doe", "m.rossi", "k.tanaka", "a.schmidt", "li.wei", "p.dubois"])
        t2 = end + dt.timedelta(seconds=30, milliseconds=self.rng.randint(1, 900))
        self.log(t2, logrus_line(t2, "error", "failed to send order confirmation",
                                 [("component", "mailer"), ("order_id", oid),
                                  ("error", f"smtp send to {user}@example.com via smtp.internal:587: dial tcp "
                                                "10.30.0.25:587: connect: connection refused")]), "mail_refused")

    def s_panic(self, t):
        oid = self.order_id()
        tr, server, end = self.simple_trace(t, "POST", "/v1/orders/{orderID}/refund", f"/v1/orders/{oid}/refund", 500)
        self.log(end, klog_s("E", end, "internal/api/middleware.go", '"panic recovered"', "panic recovered", None,
                             [("method", "POST"), ("path", f"/v1/orders/{oid}/refund"),
                              ("panic", "runtime error: invalid memory address or nil pointer dereference"),
                              ("trace_id", tr.id), ("span_id", server)]))

    def broken_traces(self, start):
        rng = self.rng
        # traces whose root (api-gateway span) was dropped by the gateway's sampler
        for i in range(4):
            tr, server, end = self.checkout_trace(start + dt.timedelta(seconds=rng.uniform(0, 3600)),
                                                  self.cart_id(), 2, "ok", "stripe")
            tr.spans = [s for s in tr.spans if s["service"] != "api-gateway"]
        # orphan payment spans (the checkout client span was lost in a full export queue)
        for i in range(3):
            tr, server, end = self.checkout_trace(start + dt.timedelta(seconds=rng.uniform(0, 3600)),
                                                  self.cart_id(), 1, "decline", "stripe")
            tr.spans = [s for s in tr.spans if not (s["service"] == "checkout" and s["name"] == "HTTP POST")]
        # two roots: a retried gateway request reusing the trace id
        tr, server, end = self.checkout_trace(start + dt.timedelta(seconds=rng.uniform(0, 3600)),
                                              self.cart_id(), 1, "ok", "adyen")
        tr.span("api-gateway", "POST /api/checkout", SERVER, None, tr.start + dt.timedelta(seconds=3), 12,
                http_attrs("POST", "/api/checkout", 409))
        # a cycle: a buggy propagator wrote the child's span id into the gateway span's parent
        tr, server, end = self.checkout_trace(start + dt.timedelta(seconds=rng.uniform(0, 3600)),
                                              self.cart_id(), 1, "ok", "stripe")
        tr.spans[0]["parentSpanId"] = server
        # zero and negative durations (clock skew between nodes)
        tr, server, end = self.checkout_trace(start + dt.timedelta(seconds=rng.uniform(0, 3600)),
                                              self.cart_id(), 2, "ok", "stripe")
        tr.spans[-1]["end"] = tr.spans[-1]["start"]
        pay = [s for s in tr.spans if s["service"] == "payments"]
        if pay:
            pay[0]["end"] = pay[0]["start"] - dt.timedelta(milliseconds=7)


def literal_pieces(fmt):
    fmt = fmt.rstrip("\n")
    pieces, cur, i = [], "", 0
    while i < len(fmt):
        c = fmt[i]
        if c != "%":
            cur += c
            i += 1
            continue
        if fmt[i + 1:i + 2] == "%":
            cur += "%"
            i += 2
            continue
        pieces.append(cur)
        cur = ""
        i += 1
        while i < len(fmt) and not fmt[i].isalpha():
            i += 1
        i += 1
    pieces.append(cur)
    return [p for p in pieces if p]


def check_case(case):
    """The rules tests/e2e/eval_cases.rs applies to every case file."""
    path, at = case["path"], case["id"]
    kinds = [h["kind"] for h in path]
    assert len(path) >= 2 and kinds[-1].startswith("origin") and kinds[0] in ("log", "wrap", "convert"), at
    assert all(k != "log" for k in kinds[1:]) and all(not k.startswith("origin") for k in kinds[:-1]), at
    assert len({h["func"] for h in path}) == len(path), at
    root = case["root"]
    assert all(root[k] == path[-1][k] for k in ("file", "func", "line")), at
    assert (kinds[-1] == "origin_external") == (root["external_origin"] is not None), at
    assert (kinds[-1] == "origin_sentinel") == (root["sentinel"] is not None), at
    pos, log = 0, case["log"]
    for h in path:
        assert not (h["kind"] == "passthrough" and h["fmt"] is not None), at
        assert not (h["kind"] in ("wrap", "origin", "convert") and h["fmt"] is None), at
        if h["fmt"] is None:
            continue
        text = "\n".join(src(h["file"]))
        body = json.dumps(h["fmt"], ensure_ascii=False)[1:-1]
        assert body in text or h["fmt"] in text, (at, h["fmt"], h["file"])
        pieces = literal_pieces(h["fmt"])
        if not pieces:
            continue
        i = log.find(pieces[0], pos)
        assert i >= 0, (at, h["func"], pieces[0])
        pos = i + len(pieces[0])
        rest = pos
        for piece in pieces[1:]:
            j = log.find(piece, rest)
            assert j >= 0, (at, h["func"], piece)
            rest = j + len(piece)


def write_manifest():
    """static/demo/manifest.json: what the web app fetches for the demo (a static server cannot
    list directories), paths relative to static/demo/."""
    files = []
    for d, _, names in os.walk(REPO):
        for n in names:
            rel = os.path.relpath(os.path.join(d, n), HERE).replace(os.sep, "/")
            files.append({"path": rel, "bytes": os.path.getsize(os.path.join(d, n))})
    files.sort(key=lambda f: f["path"])
    manifest = {"name": "checkoutd", "repo_root": "repo", "repo_files": files,
                "logs": ["logs/checkoutd.log"], "traces": ["traces/checkout-otlp.json"],
                "example_line": None}
    with open(os.path.join(ROOT, "tests", "eval", "demo.json"), encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    # the line the app explains first: a card decline at checkout (7 hops, two interface
    # dispatches, a format string in a named const; no callbacks)
    best = next(c for c in cases if c["path"][0]["func"].endswith("handleCheckout")
                and c["root"]["func"].endswith("decodeStripeError"))
    manifest["example_line"] = best["log"]
    with open(os.path.join(HERE, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.write("\n")


def main():
    define_paths()
    g = Gen()
    g.run()

    logs = sorted(g.logs, key=lambda x: x[0])
    os.makedirs(os.path.join(HERE, "logs"), exist_ok=True)
    with open(os.path.join(HERE, "logs", "checkoutd.log"), "w", encoding="utf-8") as f:
        for _, line in logs:
            f.write(line + "\n")

    os.makedirs(os.path.join(HERE, "traces"), exist_ok=True)
    with open(os.path.join(HERE, "traces", "checkout-otlp.json"), "w", encoding="utf-8") as f:
        json.dump(otlp(g.traces), f, separators=(",", ":"))
        f.write("\n")

    missing = sorted(set(PATHS) - {s for s, _ in g.cases})
    if missing:
        raise SystemExit(f"situations without a log line: {missing}")
    cases = []
    for n, (sit, line) in enumerate(sorted(g.cases, key=lambda c: list(PATHS).index(c[0])), 1):
        path, external, sentinel = PATHS[sit]
        cases.append({"id": f"demo-{n}", "log": line, "path": path,
                      "root": root_of(path, external, sentinel)})
    for c in cases:
        check_case(c)
    out = {"repo": "../../static/demo/repo", "k": 3, "include_tests": False, "cases": cases}
    os.makedirs(os.path.join(ROOT, "tests", "eval"), exist_ok=True)
    with open(os.path.join(ROOT, "tests", "eval", "demo.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    write_manifest()
    n_spans = sum(len(t.spans) for t in g.traces)
    print(f"{len(logs)} log lines, {len(g.traces)} traces ({n_spans} spans), {len(cases)} cases")


if __name__ == "__main__":
    main()
