package routers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// Gin wraps gin's engine, which is an http.Handler, from outside; a gin
// middleware reports the matched route.
func Gin(tb *toolbar.Toolbar) http.Handler {
	r := gin.New()
	r.Use(func(c *gin.Context) {
		toolbar.SetRoute(c.Request.Context(), c.FullPath())
		c.Next()
	})
	r.GET("/posts/:id", func(c *gin.Context) {
		c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(page(c.Param("id"))))
	})
	r.GET("/teapot", func(c *gin.Context) { c.String(http.StatusTeapot, "short and stout") })
	return tb.Middleware(r)
}
