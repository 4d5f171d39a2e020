package publius

import (
	"io"
	"mime"
	"net/http"
	"strconv"

	"publius/internal/api/response"
	"publius/internal/legal"
)

func (h *Handler) demandRoutes(mux *http.ServeMux) {
	const base = "/api/v1/publius/admin/demands"
	mux.HandleFunc("GET "+base, h.admin("admin:read", h.listDemands))
	mux.HandleFunc("POST "+base, h.admin("admin:write", h.createDemand))
	mux.HandleFunc("GET "+base+"/{id}", h.admin("admin:read", h.showDemand))
	mux.HandleFunc("PATCH "+base+"/{id}", h.admin("admin:write", h.updateDemand))
	mux.HandleFunc("POST "+base+"/{id}/documents", h.admin("admin:write", h.attachDocument))
	mux.HandleFunc("GET "+base+"/{id}/documents/{doc}", h.admin("admin:read", h.showDocument))
}

func (h *Handler) listDemands(w http.ResponseWriter, r *http.Request) {
	list, err := h.Registry.List(r.Context())
	if err != nil {
		fail(w, err)
		return
	}
	response.OK(w, list)
}

func (h *Handler) createDemand(w http.ResponseWriter, r *http.Request) {
	var in legal.Input
	if err := decodeStrict(w, r, &in); err != nil {
		fail(w, err)
		return
	}
	d, err := h.Registry.Create(r.Context(), in)
	if err != nil {
		fail(w, err)
		return
	}
	response.JSON(w, http.StatusCreated, d)
}

func (h *Handler) showDemand(w http.ResponseWriter, r *http.Request) {
	d, err := h.Registry.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	response.OK(w, d)
}

func (h *Handler) updateDemand(w http.ResponseWriter, r *http.Request) {
	var u legal.Update
	if err := decodeStrict(w, r, &u); err != nil {
		fail(w, err)
		return
	}
	d, err := h.Registry.Update(r.Context(), r.PathValue("id"), u)
	if err != nil {
		fail(w, err)
		return
	}
	response.OK(w, d)
}

// attachDocument takes the document as the raw request body, its name in
// ?name= and its type in Content-Type.
func (h *Handler) attachDocument(w http.ResponseWriter, r *http.Request) {
	content, err := io.ReadAll(http.MaxBytesReader(w, r.Body, legal.MaxDocument))
	if err != nil {
		fail(w, err)
		return
	}
	doc, err := h.Registry.Attach(r.Context(), r.PathValue("id"), r.URL.Query().Get("name"), r.Header.Get("Content-Type"), content)
	if err != nil {
		fail(w, err)
		return
	}
	response.JSON(w, http.StatusCreated, doc)
}

func (h *Handler) showDocument(w http.ResponseWriter, r *http.Request) {
	doc, content, err := h.Registry.Document(r.Context(), r.PathValue("id"), r.PathValue("doc"))
	if err != nil {
		fail(w, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", doc.MediaType)
	hd.Set("Content-Length", strconv.Itoa(len(content)))
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": doc.Name}))
	hd.Set("X-Content-SHA256", doc.SHA256)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	w.Write(content)
}
