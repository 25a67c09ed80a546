package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Secrets are credentials read from SecretsDir, never from the YAML file.
type Secrets struct {
	StripeAPIKey     string
	AdyenAPIKey      string
	WebhookSecret    []byte
	SMTPPassword     string
	DatabasePassword string
}

// LoadSecrets reads every secret file the service needs.
func (c *Config) LoadSecrets() (*Secrets, error) {
	var s Secrets
	var err error
	if s.StripeAPIKey, err = c.readSecret("stripe-api-key"); err != nil {
		return nil, err
	}
	if s.AdyenAPIKey, err = c.readSecret("adyen-api-key"); err != nil {
		return nil, err
	}
	hook, err := c.readSecret("webhook-signing-secret")
	if err != nil {
		return nil, err
	}
	s.WebhookSecret = []byte(hook)
	if s.SMTPPassword, err = c.readSecret("smtp-password"); err != nil {
		return nil, err
	}
	return &s, nil
}

// readSecret returns the trimmed content of one secret file.
func (c *Config) readSecret(name string) (string, error) {
	p := filepath.Join(c.SecretsDir, name)
	b, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("secret %q: %w", name, err)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", fmt.Errorf("secret %q is empty", name)
	}
	return v, nil
}
