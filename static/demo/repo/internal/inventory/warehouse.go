package inventory

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// errUnexpectedStatus is the message of a non-200 warehouse answer.
const errUnexpectedStatus = "unexpected status %d from %s: %s"

// Level is the warehouse's count of one SKU.
type Level struct {
	SKU       string `json:"sku"`
	Available int    `json:"available"`
}

type levelsPage struct {
	Levels []Level `json:"levels"`
	Next   int     `json:"next_page"`
}

// WarehouseClient reads stock levels from the warehouse management system.
type WarehouseClient struct {
	base   *url.URL
	client *http.Client
}

// NewWarehouseClient returns a client for the API at base.
func NewWarehouseClient(base string) (*WarehouseClient, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("warehouse url: %w", err)
	}
	return &WarehouseClient{base: u, client: &http.Client{Timeout: 15 * time.Second}}, nil
}

// ListLevels returns every stock level, following pagination.
func (c *WarehouseClient) ListLevels(ctx context.Context) ([]Level, error) {
	var all []Level
	for page := 1; page != 0; {
		var p levelsPage
		if err := c.get(ctx, "/api/v2/levels?page="+strconv.Itoa(page), &p); err != nil {
			return nil, fmt.Errorf("list levels page %d: %w", page, err)
		}
		all = append(all, p.Levels...)
		page = p.Next
	}
	return all, nil
}

// get fetches path and decodes the JSON body into out.
func (c *WarehouseClient) get(ctx context.Context, path string, out interface{}) error {
	ref, err := url.Parse(path)
	if err != nil {
		return err
	}
	u := c.base.ResolveReference(ref)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
		return fmt.Errorf(errUnexpectedStatus, resp.StatusCode, u.Host, snippet)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
