// Package store is the SQL persistence layer of checkoutd: orders, the
// product catalog and stock levels. Callers compare errors against the
// sentinels below with errors.Is; every other error is wrapped with the
// query that failed.
package store

import "errors"

var (
	// ErrNotFound is returned when a row does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict is returned when an optimistic-locking update lost the
	// race: the row's version changed since it was read.
	ErrConflict = errors.New("store: version conflict")
	// ErrInsufficientStock is returned when a reservation asks for more
	// units than are available.
	ErrInsufficientStock = errors.New("store: insufficient stock")
)
