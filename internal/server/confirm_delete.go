package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/store"
)

// confirmDelete acts on a delete notification only once the registry
// confirms it: the manifest (by digest, or the tag) answers 404. A forged
// notification leaves the image where it is.
func (s *Server) confirmDelete(ctx context.Context, job *store.Job) error {
	var claim store.DeleteClaim
	if err := json.Unmarshal([]byte(job.Ref), &claim); err != nil {
		return s.store.Fail(ctx, job.ID, "bad delete claim: "+err.Error(), job.NotBefore, 1)
	}
	reg, err := s.store.Registry(ctx, claim.RegistryID)
	if errors.Is(err, store.ErrNotFound) {
		return s.store.Complete(ctx, job.ID)
	}
	if err != nil {
		return err
	}
	release, ok := s.slots.take(reg.ID)
	if !ok {
		return errRegistryBusy
	}
	defer release()
	ref := reg.Host + "/" + claim.Repository
	if claim.Digest != "" {
		ref += "@" + claim.Digest
	} else {
		ref += ":" + claim.Tag
	}
	gone, err := image.ManifestGone(ctx, ref, s.imageOptions(reg))
	if err != nil {
		return fmt.Errorf("confirm delete of %s: %s", ref, shortError(err))
	}
	if !gone {
		s.log.Warn("delete notification not confirmed: the registry still serves the manifest", "ref", ref)
		return s.store.Complete(ctx, job.ID)
	}
	if err := s.store.ApplyDelete(ctx, claim); err != nil {
		return err
	}
	return s.store.Complete(ctx, job.ID)
}
