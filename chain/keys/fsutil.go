package keys

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// writeNew writes data to path atomically and never replaces an existing
// file: the temp file is hard-linked into place, and link(2), unlike
// rename(2), fails if the target exists, even against another process.
func writeNew(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		// No hard links on this filesystem: check-then-rename is still
		// atomic for readers, only a cross-process race could clobber.
		if _, serr := os.Lstat(path); serr == nil {
			return fmt.Errorf("%s: %w", path, fs.ErrExist)
		}
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
	}
	syncDir(dir)
	return nil
}

// syncDir makes the new directory entry durable. Best effort: some
// platforms cannot fsync a directory, and the data itself is already synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// mkdirPrivate creates dir as 0700 and refuses a keyring directory others
// can write to, since they could plant or swap key files in it.
func mkdirPrivate(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("keys: %s is not a directory", dir)
	}
	if st.Mode().Perm()&0o022 != 0 && runtime.GOOS != "windows" {
		return fmt.Errorf("keys: %s is writable by group or others (mode %v); chmod 700 it", dir, st.Mode().Perm())
	}
	return nil
}
