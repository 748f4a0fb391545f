package fleet

import (
	"context"
	"sync"

	"github.com/uccheck/uccheck/runner"
)

// pool runs the targets' flows: up to --parallel at once, in target order, never two sessions
// on one tenant at a time.
type pool struct {
	f       *fleet
	ctx     context.Context
	slots   chan struct{}
	mu      sync.Mutex
	out     []*runner.Transcript // each target's transcript, once its flow ended
	ready   []chan struct{}      // closed when out[i] is set
	over    chan struct{}        // closed when the judging ended
	stopped chan struct{}        // closed when no more flows start
	wg      sync.WaitGroup
}

func (f *fleet) startPool(ctx context.Context) *pool {
	p := &pool{f: f, ctx: ctx, slots: make(chan struct{}, f.o.Parallel), over: make(chan struct{}), stopped: make(chan struct{})}
	tenants := map[string]*sync.Mutex{}
	p.out = make([]*runner.Transcript, len(f.targets))
	for range f.targets {
		p.ready = append(p.ready, make(chan struct{}))
	}
	for _, t := range f.targets {
		if tenants[tenantKey(t.Base)] == nil {
			tenants[tenantKey(t.Base)] = &sync.Mutex{}
		}
	}
	go func() {
		defer close(p.stopped)
		for i, t := range f.targets {
			select {
			case p.slots <- struct{}{}:
			case <-ctx.Done():
			case <-p.over:
			}
			if ctx.Err() != nil {
				p.put(i, notRun(t, ctx))
				continue
			}
			select {
			case <-p.over: // the judging ended early: nothing would judge the rest
				return
			default:
			}
			p.wg.Add(1)
			go func(i int, t target) {
				defer p.wg.Done()
				lock := tenants[tenantKey(t.Base)]
				lock.Lock()
				tr := f.flow(ctx, t)
				lock.Unlock()
				tr.Target = t.Label
				p.put(i, tr)
			}(i, t)
		}
	}()
	return p
}

// put hands target i's transcript to its judging.
func (p *pool) put(i int, t *runner.Transcript) {
	p.mu.Lock()
	p.out[i] = t
	p.mu.Unlock()
	close(p.ready[i])
}

// next waits for target i's transcript. The slot keeps it: a BeforeAll Ginkgo abandons on an
// interruption takes nothing from the report.
func (p *pool) next(i int) *runner.Transcript {
	<-p.ready[i]
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out[i]
}

// release drops a judged target's transcript and frees its worker slot.
func (p *pool) release(i int) {
	p.mu.Lock()
	p.out[i] = nil
	p.mu.Unlock()
	select {
	case <-p.slots:
	default:
	}
}

// stop ends the pool once the judging is over: no flow starts any more, those in flight end
// (and end their sessions), and the transcripts nobody judged are returned by target index.
func (p *pool) stop() []*runner.Transcript {
	close(p.over)
	<-p.stopped
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out
}
