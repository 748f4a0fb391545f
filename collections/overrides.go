package collections

import (
	"fmt"
	"strings"
)

// RoleOverrides name the items that fill roles, overriding detection by URL path
// (--login-item, --probe-item, --logout-item). Each is an item name or a path "Folder / Item";
// empty leaves the role to detection.
type RoleOverrides struct {
	Login, Probe, Logout string
}

// Of returns the override for a role.
func (o RoleOverrides) Of(r Role) string {
	switch r {
	case RoleLogin:
		return o.Login
	case RoleProbe:
		return o.Probe
	case RoleLogout:
		return o.Logout
	}
	return ""
}

// AllRoles lists the roles in the order the flow uses them.
var AllRoles = []Role{RoleLogin, RoleProbe, RoleLogout}

// WhyOverride starts the Why of a role filled by an override.
const WhyOverride = "override: "

// RolesWith finds the role items as Roles does, except that a role with an override is filled by
// the item it names (by path, else by name) and that item is left out of detection for the
// others, and that an error also names the override flag. The probe's fallback is the first item
// whose URL path is neither login's nor logout's.
func (c *Collection) RolesWith(o RoleOverrides) (Roles, error) {
	r := Roles{Why: map[Role]string{}}
	taken := map[*Item]Role{}
	set := func(role Role, it *Item, why string) {
		switch role {
		case RoleLogin:
			r.Login = it
		case RoleProbe:
			r.Probe = it
		case RoleLogout:
			r.Logout = it
		}
		r.Why[role] = why
		taken[it] = role
	}
	for _, role := range AllRoles {
		ref := o.Of(role)
		if ref == "" {
			continue
		}
		it, how, err := c.FindItem(ref)
		if err != nil {
			return r, &RoleError{Source: c.Source, Role: role, Looked: fmt.Sprintf("the item given with --%s-item: %v", role, err)}
		}
		if other, dup := taken[it]; dup {
			return r, &RoleError{Source: c.Source, Role: role, Looked: fmt.Sprintf("an item other than %q, which already fills the %s role", it.PathString(), other)}
		}
		set(role, it, fmt.Sprintf("%s--%s-item %q matched the item's %s", WhyOverride, role, ref, how))
	}
	free := func(it *Item) bool { _, t := taken[it]; return !t }
	suffix := map[Role]string{RoleLogin: LoginPathSuffix, RoleProbe: ProbePathSuffix, RoleLogout: LogoutPathSuffix}
	for _, role := range AllRoles {
		if o.Of(role) != "" {
			continue
		}
		for _, it := range c.Items {
			if free(it) && strings.HasSuffix(strings.ToLower(it.URLPath()), strings.ToLower(suffix[role])) {
				set(role, it, "URL path ends with "+suffix[role])
				break
			}
		}
	}
	if r.Probe == nil && o.Probe == "" {
		for _, it := range c.Items {
			if free(it) && !strings.HasSuffix(strings.ToLower(it.URLPath()), strings.ToLower(LoginPathSuffix)) &&
				!strings.HasSuffix(strings.ToLower(it.URLPath()), strings.ToLower(LogoutPathSuffix)) {
				set(RoleProbe, it, "first item that is neither login nor logout (no "+ProbePathSuffix+")")
				break
			}
		}
	}
	switch {
	case r.Login == nil:
		return r, &RoleError{Source: c.Source, Role: RoleLogin, Looked: "an item whose URL path ends with " + LoginPathSuffix + " (or name one with --login-item)"}
	case r.Logout == nil:
		return r, &RoleError{Source: c.Source, Role: RoleLogout, Looked: "an item whose URL path ends with " + LogoutPathSuffix + " (or name one with --logout-item)"}
	case r.Probe == nil:
		return r, &RoleError{Source: c.Source, Role: RoleProbe, Looked: "an item whose URL path ends with " + ProbePathSuffix + ", or any item besides login and logout (or name one with --probe-item)"}
	}
	return r, nil
}

// FindItem returns the item that ref names: by its path ("Folder / Item", spaces around the
// slashes optional), else by its name. It says which matched; a name that several items share is
// an error listing their paths.
func (c *Collection) FindItem(ref string) (*Item, string, error) {
	want := normalPath(ref)
	for _, it := range c.Items {
		if normalPath(it.PathString()) == want {
			if len(it.Path) == 1 {
				return it, "name", nil // an item outside any folder: its path is its name
			}
			return it, "path", nil
		}
	}
	var byName []*Item
	for _, it := range c.Items {
		if strings.TrimSpace(it.Name()) == strings.TrimSpace(ref) {
			byName = append(byName, it)
		}
	}
	switch len(byName) {
	case 1:
		return byName[0], "name", nil
	case 0:
		var names []string
		for i, it := range c.Items {
			if i == 8 {
				names = append(names, fmt.Sprintf("and %d more", len(c.Items)-i))
				break
			}
			names = append(names, fmt.Sprintf("%q", it.PathString()))
		}
		return nil, "", fmt.Errorf("no item is named or has the path %q (items: %s)", ref, strings.Join(names, ", "))
	}
	var paths []string
	for _, it := range byName {
		paths = append(paths, fmt.Sprintf("%q", it.PathString()))
	}
	return nil, "", fmt.Errorf("%d items are named %q (%s): give the path instead", len(byName), ref, strings.Join(paths, ", "))
}

// normalPath folds "A/B", "A / B" and " A /B " to the same form.
func normalPath(p string) string {
	parts := strings.Split(p, "/")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return strings.Join(parts, " / ")
}
