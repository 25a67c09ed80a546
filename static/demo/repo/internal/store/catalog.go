package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Product is a sellable item.
type Product struct {
	SKU        string
	Name       string
	PriceMinor int64
	Currency   string
	Active     bool
}

// CatalogRepo reads the product catalog.
type CatalogRepo struct {
	db *DB
}

// NewCatalogRepo returns a repository over db.
func NewCatalogRepo(db *DB) *CatalogRepo {
	return &CatalogRepo{db: db}
}

// Product loads one active product by SKU.
func (r *CatalogRepo) Product(ctx context.Context, sku string) (*Product, error) {
	ctx, cancel := r.db.withTimeout(ctx)
	defer cancel()

	var p Product
	err := r.db.sql.QueryRowContext(ctx,
		`SELECT sku, name, price_minor, currency, active FROM products WHERE sku = $1 AND active`,
		sku).Scan(&p.SKU, &p.Name, &p.PriceMinor, &p.Currency, &p.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("query product %s: %w", sku, err)
	}
	return &p, nil
}
