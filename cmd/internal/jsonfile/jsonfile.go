// Package jsonfile writes the agents' journals: a crash at any moment
// leaves either the previous file or the new one, never a torn mix, because
// a journal that lies about what was signed or attested is how an agent
// would double-claim after a restart.
package jsonfile

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// WriteAtomic writes v as JSON to a fsynced temporary file, renames it over
// path, and fsyncs the directory so the rename itself survives a power loss.
func WriteAtomic(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
