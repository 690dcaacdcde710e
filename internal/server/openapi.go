package server

import (
	_ "embed"
	"net/http"
)

// openAPI documents every endpoint (OpenAPI 3.1); a test checks it lists
// each route the server has.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) handleOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPI)
}
