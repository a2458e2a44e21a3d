package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// pricedPosts is how many posts the external-call pages price.
const pricedPosts = 5

// Price is the pricing service's answer.
type Price struct {
	ID    int64 `json:"id"`
	Cents int64 `json:"cents"`
}

// PriceClient calls the pricing service.
type PriceClient struct {
	BaseURL string
	HTTP    *http.Client
}

func newPriceClient(baseURL string) *PriceClient {
	// Keep a connection per concurrent call, so the concurrent page does
	// not dial again each time (the default keeps two per host).
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 2 * pricedPosts
	// toolbar.Transport puts each call made with an observed request's
	// context on its timeline, with its host, status and line.
	return &PriceClient{BaseURL: baseURL, HTTP: &http.Client{Transport: toolbar.Transport(t), Timeout: 5 * time.Second}}
}

// Price asks the service for one price.
func (c *PriceClient) Price(ctx context.Context, id int64) (p Price, err error) {
	path := fmt.Sprintf("/fake-service/price/%d", id)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+path, nil)
	if err != nil {
		return Price{}, err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return Price{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Price{}, fmt.Errorf("pricing service: %s", resp.Status)
	}
	err = json.NewDecoder(resp.Body).Decode(&p)
	return p, err
}

// pricedPost is a post with its price.
type pricedPost struct {
	PostSummary
	Cents int64
}

// externalCallsBad prices the posts one call after the other: the request
// waits for the sum of the calls.
func (a *app) externalCallsBad(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	posts, err := a.store.LatestPostSummaries(ctx, pricedPosts)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items := make([]pricedPost, len(posts))
	for i, p := range posts {
		price, err := a.prices.Price(ctx, p.ID)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		items[i] = pricedPost{PostSummary: p, Cents: price.Cents}
	}
	a.page(w, r, pairExternal, false, priceList(items))
}

// externalCallsFix prices them concurrently: the request waits for the
// slowest call.
func (a *app) externalCallsFix(w http.ResponseWriter, r *http.Request) {
	posts, err := a.store.LatestPostSummaries(r.Context(), pricedPosts)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items := make([]pricedPost, len(posts))
	g, ctx := errgroup.WithContext(r.Context())
	for i, p := range posts {
		g.Go(func() error {
			price, err := a.prices.Price(ctx, p.ID)
			items[i] = pricedPost{PostSummary: p, Cents: price.Cents}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		a.fail(w, r, err)
		return
	}
	a.page(w, r, pairExternal, true, priceList(items))
}
