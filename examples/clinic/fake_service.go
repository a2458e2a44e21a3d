package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
)

// fakeLatency is how long the fake pricing service takes to answer.
const fakeLatency = 30 * time.Millisecond

// fakePrice is a slow external pricing service, served by the app itself
// so the clinic needs nothing else: GET /fake-service/price/{id} answers
// {"id": 7, "cents": 1234} after fakeLatency.
func fakePrice(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	select {
	case <-time.After(fakeLatency):
	case <-r.Context().Done():
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(Price{ID: id, Cents: 500 + id*37%4500})
}
