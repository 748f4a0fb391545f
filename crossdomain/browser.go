package crossdomain

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ChromiumNames are the browser commands FindChromium looks for, in order.
var ChromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// ErrNoChromium says that no browser was found.
var ErrNoChromium = errors.New("no Chromium found")

// FindChromium looks for a Chromium or Chrome command in the folders of pathList (the value of
// PATH) and returns its path. The error names what it looked for and how to fix it.
func FindChromium(pathList string) (string, error) {
	for _, name := range ChromiumNames {
		for _, dir := range filepath.SplitList(pathList) {
			if dir == "" {
				dir = "."
			}
			p := filepath.Join(dir, name)
			if isExecutable(p) {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("%w: looked for %s in PATH; install it (Debian: apt-get install chromium) or give its path with --chromium (UCCHECK_CHROMIUM)",
		ErrNoChromium, strings.Join(ChromiumNames, ", "))
}

// CheckChromium says whether path is an executable file.
func CheckChromium(path string) error {
	if !isExecutable(path) {
		return fmt.Errorf("%w: %s is not an executable file", ErrNoChromium, path)
	}
	return nil
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// ProfilePrefix is how chromedp names the profile folders of the browsers it starts, in the
// temporary folder. A run that is killed leaves its folder behind; SweepProfiles removes them.
const ProfilePrefix = "chromedp-runner"

// staleAfter is how old a profile folder without a lock must be before SweepProfiles removes it:
// younger ones may belong to a browser that is starting.
const staleAfter = 2 * time.Minute

// SweepProfiles removes the profile folders (ProfilePrefix*) in dir that no running browser
// uses: their SingletonLock names a process that is gone, or they have no lock and are older than
// a few minutes. It returns the folders it removed.
func SweepProfiles(dir string, now time.Time) []string {
	matches, _ := filepath.Glob(filepath.Join(dir, ProfilePrefix+"*"))
	var removed []string
	for _, m := range matches {
		st, err := os.Lstat(m)
		if err != nil || !st.IsDir() {
			continue
		}
		if profileInUse(m, st.ModTime(), now) {
			continue
		}
		if os.RemoveAll(m) == nil {
			removed = append(removed, m)
		}
	}
	return removed
}

// profileInUse says whether a profile folder may belong to a running browser.
func profileInUse(dir string, mod, now time.Time) bool {
	target, err := os.Readlink(filepath.Join(dir, "SingletonLock"))
	if err != nil {
		return now.Sub(mod) < staleAfter
	}
	// The lock is a symbolic link to "<hostname>-<pid>".
	i := strings.LastIndexByte(target, '-')
	pid, err := strconv.Atoi(target[i+1:])
	if i < 0 || err != nil || pid <= 0 {
		return now.Sub(mod) < staleAfter
	}
	host, _ := os.Hostname()
	if host != "" && target[:i] != host {
		return true // another machine's browser (a shared folder): not ours to judge
	}
	return processAlive(pid)
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
