package collections

import (
	"fmt"
)

// Role is the part an item plays in the documented auth flow.
type Role string

// The roles of the auth flow.
const (
	RoleLogin  Role = "login"  // auth/getUserToken
	RoleProbe  Role = "probe"  // an authenticated, read-only call: Supervisor/campaignstatus
	RoleLogout Role = "logout" // auth/EndSession
)

// The URL path suffixes that identify each role's item.
const (
	LoginPathSuffix  = "/auth/getUserToken"
	LogoutPathSuffix = "/auth/EndSession"
	ProbePathSuffix  = "/Supervisor/campaignstatus"
)

// Roles maps each role of the flow to the collection item that fills it.
type Roles struct {
	Login, Probe, Logout *Item
	Why                  map[Role]string // how each item was chosen, for people
}

// RoleError says that a collection lacks an item for a role, and what was looked for.
type RoleError struct {
	Source string
	Role   Role
	Looked string
}

func (e *RoleError) Error() string {
	return fmt.Sprintf("collection %s: no item for the %s role: looked for %s", e.Source, e.Role, e.Looked)
}

// Roles finds the login, probe and logout items by their URL paths, so that a vendor collection
// with other item names still works. The probe is Supervisor/campaignstatus, else the first item
// that is neither login nor logout.
func (c *Collection) Roles() (Roles, error) {
	return c.RolesWith(RoleOverrides{})
}
