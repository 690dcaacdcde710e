package kube

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// Watcher keeps the inventory of one cluster current with one shared
// informer per inventoried resource.
type Watcher struct {
	cs      kubernetes.Interface
	factory informers.SharedInformerFactory
	st      *state
	// synced tells when each handler has received its informer's first
	// list: the informers' own HasSynced turns true before their handlers
	// have seen every item, and the inventory is what the handlers built.
	synced []cache.InformerSynced
}

// NewWatcher prepares the informers; Run starts them. It does not
// contact the cluster.
func NewWatcher(cfg *rest.Config) (*Watcher, error) {
	st := newState()
	cs, err := clientFor(cfg, func(c *rest.Config) {
		c.Wrap(func(rt http.RoundTripper) http.RoundTripper {
			return healthTransport{next: rt, ok: st.clearError, fail: st.setError}
		})
	})
	if err != nil {
		return nil, err
	}
	// No resync: every change arrives as a watch event, and a resync
	// would only replay the cache to the handlers.
	f := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithTransform(stripBulk))
	w := &Watcher{cs: cs, factory: f, st: st}
	for i := range resources {
		synced, err := watchResource(f, st, &resources[i])
		if err != nil {
			return nil, err
		}
		w.synced = append(w.synced, synced)
	}
	return w, nil
}

// watchResource registers r's informer with handlers that feed st.
func watchResource(f informers.SharedInformerFactory, st *state, r *Resource) (cache.InformerSynced, error) {
	gi, err := f.ForResource(r.GVR())
	if err != nil {
		return nil, fmt.Errorf("informer for %s: %w", r.Name, err)
	}
	inf := gi.Informer()
	// The reflector retries with backoff after calling this; Bulwark
	// shows the error on the cluster instead of logging it.
	if err := inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
		st.setError(r.Name, err)
	}); err != nil {
		return nil, fmt.Errorf("informer for %s: %w", r.Name, err)
	}
	reg, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { st.put(r, obj) },
		UpdateFunc: func(_, obj any) { st.put(r, obj) },
		DeleteFunc: func(obj any) { st.remove(r, obj) },
	})
	if err != nil {
		return nil, fmt.Errorf("informer for %s: %w", r.Name, err)
	}
	return reg.HasSynced, nil
}

// Run watches until ctx ends, then stops every informer before it
// returns (a reflector backing off from a failing cluster finishes its
// wait first, up to 30 s). A cluster that cannot be reached or read does
// not end it: the failures show on Snapshot().Cluster and the informers
// retry.
func (w *Watcher) Run(ctx context.Context) {
	w.factory.Start(ctx.Done())
	go w.readVersion(ctx)
	if cache.WaitForCacheSync(ctx.Done(), w.synced...) {
		w.st.setSynced()
	}
	<-ctx.Done()
	w.factory.Shutdown()
}

// readVersion reads the server's version until it has it, then again now
// and then: the cluster may be upgraded while watched.
func (w *Watcher) readVersion(ctx context.Context) {
	for {
		wait := 10 * time.Minute
		if v, err := serverVersion(ctx, w.cs); err == nil {
			w.st.setVersion(v)
		} else {
			wait = 15 * time.Second
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// Snapshot returns the inventory as it is now.
func (w *Watcher) Snapshot() Snapshot { return w.st.snapshot() }

// Changes receives a value after the inventory changed. Changes that come
// faster than the reader are folded into one: read a Snapshot after each
// receive, and nothing is missed.
func (w *Watcher) Changes() <-chan struct{} { return w.st.changed }
