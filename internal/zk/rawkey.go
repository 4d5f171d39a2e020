package zk

import (
	"bytes"
	"fmt"
)

// rawCacheMagic starts a MarshalRaw encoding, so it is never mistaken
// for a key file.
const rawCacheMagic = "publius-zk-raw-proving-key-v1\n"

// MarshalRaw encodes pk uncompressed (gnark WriteRawTo) behind its header,
// for a client's local cache. DecodeProvingKeyRaw reads it about ten times
// faster than DecodeProvingKey reads a key file, because it skips point
// decompression and subgroup checks: only cache keys that went through
// DecodeProvingKey on this machine.
func (pk *ProvingKey) MarshalRaw() ([]byte, error) {
	var body bytes.Buffer
	if _, err := pk.pk.WriteRawTo(&body); err != nil {
		return nil, fmt.Errorf("zk: encode proving key: %w", err)
	}
	enc, err := encodeKeyFile(pk.header, body.Bytes())
	if err != nil {
		return nil, err
	}
	return append([]byte(rawCacheMagic), enc...), nil
}

// DecodeProvingKeyRaw parses MarshalRaw's output (a trusted local cache).
func DecodeProvingKeyRaw(b []byte) (pk *ProvingKey, err error) {
	defer func() {
		if r := recover(); r != nil {
			pk, err = nil, fmt.Errorf("%w: %v", ErrKeyFormat, r)
		}
	}()
	rest, ok := bytes.CutPrefix(b, []byte(rawCacheMagic))
	if !ok {
		return nil, fmt.Errorf("%w: not a raw proving key cache", ErrKeyFormat)
	}
	h, body, err := splitKeyFile(rest, "proving")
	if err != nil {
		return nil, err
	}
	p := &ProvingKey{header: h}
	n, err := p.pk.UnsafeReadFrom(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
	}
	if n != int64(len(body)) {
		return nil, fmt.Errorf("%w: trailing bytes", ErrKeyFormat)
	}
	return p, nil
}
