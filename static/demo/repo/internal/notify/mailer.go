// Package notify sends order e-mails. It predates the move to zap and
// still logs with logrus.
package notify

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/smtp"
	"text/template"
	"time"

	"github.com/sirupsen/logrus"
)

var confirmationTmpl = template.Must(template.New("confirmation").Parse(
	`Subject: Your order {{.OrderID}}

Hello {{.Name}},

thank you for your order {{.OrderID}} of {{.Total}}.
We will let you know when it ships.
`))

// Confirmation is the data of an order confirmation e-mail.
type Confirmation struct {
	OrderID string
	Email   string
	Name    string
	Total   string
}

// Mailer sends e-mails through an SMTP relay.
type Mailer struct {
	addr string
	from string
	auth smtp.Auth
	log  *logrus.Entry
}

// NewMailer returns a mailer for the relay at addr.
func NewMailer(addr, from, password string, log *logrus.Logger) *Mailer {
	host, _, _ := net.SplitHostPort(addr)
	return &Mailer{
		addr: addr,
		from: from,
		auth: smtp.PlainAuth("", from, password, host),
		log:  log.WithField("component", "mailer"),
	}
}

// SendConfirmation sends the confirmation in the background; failures are
// logged, never returned, because the order is already placed.
func (m *Mailer) SendConfirmation(ctx context.Context, c Confirmation) {
	go func() {
		if err := m.deliver(c); err != nil {
			m.log.WithError(err).WithField("order_id", c.OrderID).Error("failed to send order confirmation")
		}
	}()
}

// deliver renders and sends one confirmation.
func (m *Mailer) deliver(c Confirmation) error {
	var body bytes.Buffer
	if err := confirmationTmpl.Execute(&body, c); err != nil {
		return fmt.Errorf("render confirmation for %s: %w", c.OrderID, err)
	}
	start := time.Now()
	if err := smtp.SendMail(m.addr, m.auth, m.from, []string{c.Email}, body.Bytes()); err != nil {
		return fmt.Errorf("smtp send to %s via %s: %w", c.Email, m.addr, err)
	}
	m.log.WithField("took", time.Since(start)).Debug("confirmation sent")
	return nil
}
