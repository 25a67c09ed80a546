CREATE TABLE products (
    sku         text PRIMARY KEY,
    name        text NOT NULL,
    price_minor bigint NOT NULL CHECK (price_minor >= 0),
    currency    char(3) NOT NULL,
    active      boolean NOT NULL DEFAULT true
);

CREATE TABLE orders (
    id           text PRIMARY KEY,
    cart_id      text NOT NULL,
    customer_id  text NOT NULL,
    status       text NOT NULL,
    amount_minor bigint NOT NULL,
    currency     char(3) NOT NULL,
    payment_ref  text NOT NULL DEFAULT '',
    version      bigint NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX orders_status_created ON orders (status, created_at);

CREATE TABLE stock (
    sku       text PRIMARY KEY REFERENCES products (sku),
    available integer NOT NULL CHECK (available >= 0)
);

CREATE TABLE reservations (
    order_id text NOT NULL REFERENCES orders (id),
    sku      text NOT NULL REFERENCES stock (sku),
    qty      integer NOT NULL CHECK (qty > 0),
    PRIMARY KEY (order_id, sku)
);
