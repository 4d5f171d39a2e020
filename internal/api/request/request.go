// Package request reads API requests: bodies in JSON or form encoding into
// one struct, pagination parameters, and the bearer token.
package request

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"publius/internal/store"
)

// MaxBody is the largest request body accepted.
const MaxBody = 1 << 20

// ErrBadBody means the body could not be parsed; its text says why. A body
// over MaxBody also wraps *http.MaxBytesError.
var ErrBadBody = errors.New("bad request body")

// Decode reads a JSON, form-encoded or multipart body (or, for a body-less
// request, the query string) into dst, a pointer to a struct with json tags.
// Form keys like a[]=1&a[]=2 become arrays and a[b]=1 nested objects, so
// Mastodon clients' bracket syntax works. Use Bool and Strings fields where
// form and JSON clients send different types.
func Decode(w http.ResponseWriter, r *http.Request, dst any) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var raw []byte
	switch ct {
	case "application/json":
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrBadBody, err)
		}
		if len(strings.TrimSpace(string(b))) == 0 {
			b = []byte("{}")
		}
		raw = b
	case "multipart/form-data":
		if err := r.ParseMultipartForm(MaxBody); err != nil {
			return fmt.Errorf("%w: %w", ErrBadBody, err)
		}
		raw = formJSON(r.MultipartForm.Value)
	default:
		if err := r.ParseForm(); err != nil {
			return fmt.Errorf("%w: %w", ErrBadBody, err)
		}
		raw = formJSON(r.Form)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return fmt.Errorf("%w: malformed JSON at byte %d", ErrBadBody, syn.Offset)
		case errors.As(err, &typ):
			return fmt.Errorf("%w: field %q has the wrong type", ErrBadBody, typ.Field)
		default:
			return fmt.Errorf("%w: %v", ErrBadBody, err)
		}
	}
	return nil
}

// formJSON turns form values into the JSON object a JSON client would send.
func formJSON(values url.Values) []byte {
	root := map[string]any{}
	for key, vals := range values {
		path := splitKey(key)
		if len(path) == 0 {
			continue
		}
		setPath(root, path, vals)
	}
	b, _ := json.Marshal(root)
	return b
}

// splitKey turns "a[b][]" into ["a", "b", ""].
func splitKey(key string) []string {
	i := strings.IndexByte(key, '[')
	if i < 0 {
		return []string{key}
	}
	parts := []string{key[:i]}
	rest := key[i:]
	for strings.HasPrefix(rest, "[") {
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return []string{key}
		}
		parts = append(parts, rest[1:j])
		rest = rest[j+1:]
	}
	return parts
}

func setPath(node map[string]any, path []string, vals []string) {
	head := path[0]
	if len(path) == 1 {
		node[head] = vals[len(vals)-1]
		return
	}
	if len(path) == 2 && path[1] == "" {
		list, _ := node[head].([]any)
		for _, v := range vals {
			list = append(list, v)
		}
		node[head] = list
		return
	}
	child, ok := node[head].(map[string]any)
	if !ok {
		child = map[string]any{}
		node[head] = child
	}
	setPath(child, path[1:], vals)
}

// Bool accepts JSON booleans and the strings form clients send
// ("true", "1", "on", "false", "0", "off", "").
type Bool bool

// UnmarshalJSON implements json.Unmarshaler.
func (b *Bool) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	switch t := v.(type) {
	case bool:
		*b = Bool(t)
	case string:
		switch strings.ToLower(t) {
		case "true", "1", "on", "yes":
			*b = true
		case "false", "0", "off", "no", "":
			*b = false
		default:
			return fmt.Errorf("not a boolean: %q", t)
		}
	case float64:
		*b = t != 0
	case nil:
		*b = false
	default:
		return fmt.Errorf("not a boolean")
	}
	return nil
}

// Strings accepts a JSON array, a single string, or an object keyed by
// index (form clients' a[0]=x&a[1]=y), always as a list.
type Strings []string

// UnmarshalJSON implements json.Unmarshaler.
func (s *Strings) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	switch t := v.(type) {
	case nil:
		*s = nil
	case string:
		*s = Strings{t}
	case []any:
		out := make(Strings, 0, len(t))
		for _, e := range t {
			str, ok := e.(string)
			if !ok {
				return fmt.Errorf("list must hold strings")
			}
			out = append(out, str)
		}
		*s = out
	case map[string]any:
		out := make(Strings, len(t))
		for k, e := range t {
			i, err := strconv.Atoi(k)
			str, ok := e.(string)
			if err != nil || i < 0 || i >= len(t) || !ok {
				return fmt.Errorf("list keys must be 0..n-1")
			}
			out[i] = str
		}
		*s = out
	default:
		return fmt.Errorf("not a list of strings")
	}
	return nil
}

// Limits for list endpoints.
const (
	DefaultLimit = 20
	MaxLimit     = 40
)

// Page reads max_id, since_id, min_id and limit (clamped to 1..max,
// default DefaultLimit) from the query string.
func Page(r *http.Request, maxLimit int) store.Page {
	q := r.URL.Query()
	limit := DefaultLimit
	// Out-of-range numbers come back saturated with ErrRange: clamp them too.
	if v, err := strconv.Atoi(q.Get("limit")); err == nil || errors.Is(err, strconv.ErrRange) {
		limit = v
	}
	limit = min(max(limit, 1), maxLimit)
	return store.Page{MaxID: q.Get("max_id"), SinceID: q.Get("since_id"), MinID: q.Get("min_id"), Limit: limit}
}

// BearerToken returns the access token from the Authorization header, or
// from an access_token form/query value (some clients send it that way).
func BearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return r.URL.Query().Get("access_token")
}

// IDs reads a repeated query parameter, accepting both name[] and name.
func IDs(r *http.Request, name string) []string {
	q := r.URL.Query()
	return append(q[name+"[]"], q[name]...)
}

// Flag reads a boolean query parameter the way Mastodon does: "true", "1",
// "t", "on" and "yes" (any case) are true, anything else false.
func Flag(r *http.Request, name string) bool {
	switch strings.ToLower(r.URL.Query().Get(name)) {
	case "true", "1", "t", "on", "yes":
		return true
	}
	return false
}
