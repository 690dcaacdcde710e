package workload

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// decodeParam reads an object parameter (Azure's shapes, such as
// {"paths": [...]} or {"ranges": [...]}) into a typed value. Unknown fields
// are an error, so that a misspelt key in the configuration makes the rule
// report status error instead of silently allowing everything.
func decodeParam(in *policy.Input, name string, v any) error {
	data, err := json.Marshal(in.Params[name])
	if err != nil {
		return fmt.Errorf("parameter %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("parameter %s: %w", name, err)
	}
	return nil
}
