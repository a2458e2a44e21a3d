package respwriter_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/respwriter"
)

// optional says which of the interfaces the Writer has only when the inner
// writer has them w implements.
func optional(w http.ResponseWriter) (closeNotifier, pusher bool) {
	_, closeNotifier = w.(http.CloseNotifier) //lint:ignore SA1019 old apps assert it
	_, pusher = w.(http.Pusher)
	return closeNotifier, pusher
}

func TestOptionalInterfacesAreTheInnerWritersOwn(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	tests := []struct {
		name  string
		inner http.ResponseWriter
	}{
		{"a writer with neither", httptest.NewRecorder()},
		{"a CloseNotifier", closeNotifyRecorder{httptest.NewRecorder()}},
		{"a Pusher", pushRecorder{httptest.NewRecorder()}},
		{"a CloseNotifier and Pusher", closeNotifyPushRecorder{httptest.NewRecorder()}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is seen as one by the handler", func(t *testing.T) {
			wantCN, wantPush := optional(tt.inner)
			w := respwriter.New(tt.inner, r, respwriter.Options{}).ResponseWriter()
			if cn, push := optional(w); cn != wantCN || push != wantPush {
				t.Errorf("CloseNotifier %v, Pusher %v; the inner writer: %v, %v", cn, push, wantCN, wantPush)
			}
			if push, ok := w.(http.Pusher); ok {
				if err := push.Push("/style.css", nil); !errors.Is(err, errPushed) {
					t.Errorf("Push = %v, want the inner writer's answer", err)
				}
			}
			//lint:ignore SA1019 old apps assert it
			if cn, ok := w.(http.CloseNotifier); ok {
				if got := cn.CloseNotify(); got != closed {
					t.Errorf("CloseNotify = %v, want the inner writer's channel", got)
				}
			}
		})
	}
}

// TestCloseNotify asserts http.CloseNotifier on net/http's writer through
// the Writer, as old code does, and wants its channel to fire when the
// client goes away.
func TestCloseNotify(t *testing.T) {
	waiting, gone := make(chan struct{}), make(chan error, 1)
	s := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(waiting)
		cn, ok := w.(http.CloseNotifier) //lint:ignore SA1019 old apps assert it
		if !ok {
			gone <- errors.New("net/http's writer is not an http.CloseNotifier through the Writer")
			return
		}
		ch := cn.CloseNotify()
		waiting <- struct{}{}
		select {
		case <-ch:
			gone <- nil
		case <-time.After(5 * time.Second):
			gone <- errors.New("CloseNotify did not fire when the client went away")
		}
	}), respwriter.Options{}, nil)

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := rawClient(s.Server).Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	<-waiting
	cancel()
	<-done
	if err := <-gone; err != nil {
		t.Error(err)
	}
	s.result(t)
}

var (
	errPushed = errors.New("pushed by the inner writer")
	closed    = make(chan bool)
)

type closeNotifyRecorder struct{ *httptest.ResponseRecorder }

func (closeNotifyRecorder) CloseNotify() <-chan bool { return closed }

type pushRecorder struct{ *httptest.ResponseRecorder }

func (pushRecorder) Push(string, *http.PushOptions) error { return errPushed }

type closeNotifyPushRecorder struct{ *httptest.ResponseRecorder }

func (closeNotifyPushRecorder) CloseNotify() <-chan bool             { return closed }
func (closeNotifyPushRecorder) Push(string, *http.PushOptions) error { return errPushed }
