package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// OrderRow is an order as stored in the orders table.
type OrderRow struct {
	ID          string
	CartID      string
	CustomerID  string
	Status      string
	AmountMinor int64
	Currency    string
	PaymentRef  string
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// OrderRepo reads and writes orders.
type OrderRepo struct {
	db *DB
}

// NewOrderRepo returns a repository over db.
func NewOrderRepo(db *DB) *OrderRepo {
	return &OrderRepo{db: db}
}

const selectOrder = `SELECT id, cart_id, customer_id, status, amount_minor, currency,
	payment_ref, version, created_at, updated_at FROM orders WHERE id = $1`

// Get loads one order by id.
func (r *OrderRepo) Get(ctx context.Context, id string) (*OrderRow, error) {
	ctx, cancel := r.db.withTimeout(ctx)
	defer cancel()

	var o OrderRow
	err := r.db.sql.QueryRowContext(ctx, selectOrder, id).Scan(
		&o.ID, &o.CartID, &o.CustomerID, &o.Status, &o.AmountMinor, &o.Currency,
		&o.PaymentRef, &o.Version, &o.CreatedAt, &o.UpdatedAt,
	)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("query order %s: %w", id, err)
	}
	return &o, nil
}

// Create inserts a new order in status "pending".
func (r *OrderRepo) Create(ctx context.Context, o *OrderRow) error {
	ctx, cancel := r.db.withTimeout(ctx)
	defer cancel()

	now := time.Now().UTC()
	_, err := r.db.sql.ExecContext(ctx,
		`INSERT INTO orders (id, cart_id, customer_id, status, amount_minor, currency, version, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)`,
		o.ID, o.CartID, o.CustomerID, o.Status, o.AmountMinor, o.Currency, now)
	if err != nil {
		return fmt.Errorf("insert order %s: %w", o.ID, err)
	}
	o.Version, o.CreatedAt, o.UpdatedAt = 1, now, now
	return nil
}

// UpdateStatus moves an order to status if its version is still version.
// It returns ErrConflict when another writer got there first.
func (r *OrderRepo) UpdateStatus(ctx context.Context, id string, version int64, status string) error {
	ctx, cancel := r.db.withTimeout(ctx)
	defer cancel()

	res, err := r.db.sql.ExecContext(ctx,
		`UPDATE orders SET status = $1, version = version + 1, updated_at = now()
		 WHERE id = $2 AND version = $3`, status, id, version)
	if err != nil {
		return fmt.Errorf("update order %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("update order %s: rows affected: %w", id, err)
	}
	if n == 0 {
		return ErrConflict
	}
	return nil
}

// SetPaymentRef records the gateway's reference for an authorized payment.
func (r *OrderRepo) SetPaymentRef(ctx context.Context, id, ref string) error {
	ctx, cancel := r.db.withTimeout(ctx)
	defer cancel()

	res, err := r.db.sql.ExecContext(ctx,
		`UPDATE orders SET payment_ref = $1, updated_at = now() WHERE id = $2`, ref, id)
	if err != nil {
		return fmt.Errorf("set payment ref for %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ListByStatus returns up to limit orders in status, oldest first.
func (r *OrderRepo) ListByStatus(ctx context.Context, status string, limit int) ([]OrderRow, error) {
	ctx, cancel := r.db.withTimeout(ctx)
	defer cancel()

	rows, err := r.db.sql.QueryContext(ctx,
		`SELECT id, cart_id, customer_id, status, amount_minor, currency, payment_ref, version, created_at, updated_at
		 FROM orders WHERE status = $1 ORDER BY created_at LIMIT $2`, status, limit)
	if err != nil {
		return nil, fmt.Errorf("list orders in %s: %w", status, err)
	}
	defer rows.Close()

	var out []OrderRow
	for rows.Next() {
		var o OrderRow
		if err := rows.Scan(&o.ID, &o.CartID, &o.CustomerID, &o.Status, &o.AmountMinor,
			&o.Currency, &o.PaymentRef, &o.Version, &o.CreatedAt, &o.UpdatedAt); err != nil {
			return nil, fmt.Errorf("scan order: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
