package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// StockRepo keeps per-warehouse stock levels and reservations.
type StockRepo struct {
	db *DB
}

// NewStockRepo returns a repository over db.
func NewStockRepo(db *DB) *StockRepo {
	return &StockRepo{db: db}
}

// Reserve takes qty units of sku out of the available stock for orderID.
func (r *StockRepo) Reserve(ctx context.Context, orderID, sku string, qty int) error {
	return r.db.InTx(ctx, func(tx *sql.Tx) error {
		var available int
		err := tx.QueryRowContext(ctx,
			`SELECT available FROM stock WHERE sku = $1 FOR UPDATE`, sku).Scan(&available)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("lock stock row %s: %w", sku, err)
		}
		if available < qty {
			return ErrInsufficientStock
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE stock SET available = available - $1 WHERE sku = $2`, qty, sku); err != nil {
			return fmt.Errorf("decrement stock %s: %w", sku, err)
		}
		_, err = tx.ExecContext(ctx,
			`INSERT INTO reservations (order_id, sku, qty) VALUES ($1, $2, $3)`, orderID, sku, qty)
		return err
	})
}

// Release returns the units reserved for orderID to the available stock.
func (r *StockRepo) Release(ctx context.Context, orderID string) error {
	ctx, cancel := r.db.withTimeout(ctx)
	defer cancel()

	_, err := r.db.sql.ExecContext(ctx, `
		WITH released AS (DELETE FROM reservations WHERE order_id = $1 RETURNING sku, qty)
		UPDATE stock s SET available = s.available + r.qty FROM released r WHERE s.sku = r.sku`, orderID)
	if err != nil {
		return err
	}
	return nil
}

// SetAvailable overwrites the available count of sku (warehouse sync).
func (r *StockRepo) SetAvailable(ctx context.Context, sku string, available int) error {
	ctx, cancel := r.db.withTimeout(ctx)
	defer cancel()

	res, err := r.db.sql.ExecContext(ctx,
		`UPDATE stock SET available = $1 - (SELECT COALESCE(SUM(qty), 0) FROM reservations WHERE sku = $2)
		 WHERE sku = $2`, available, sku)
	if err != nil {
		return fmt.Errorf("set available for %s: %w", sku, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
