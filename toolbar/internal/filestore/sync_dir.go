package filestore

import (
	"errors"
	"os"
	"runtime"
	"syscall"
)

// syncDir makes the renames into dir durable. Windows cannot open a
// directory to sync it (its renames are made durable by the file system
// itself), and some file systems refuse the sync of a directory
// (EINVAL): there it is skipped.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, errors.ErrUnsupported) {
		return nil
	}
	return err
}
