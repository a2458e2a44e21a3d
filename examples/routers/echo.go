package routers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// Echo wraps echo's whole http.Handler from outside; an echo middleware
// reports the matched route. Not echo.WrapMiddleware(tb.Middleware): echo
// writes a handler's error after the wrapped middleware has returned, when
// the toolbar has already answered 200.
func Echo(tb *toolbar.Toolbar) http.Handler {
	e := echo.New()
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			toolbar.SetRoute(c.Request().Context(), c.Path())
			return next(c)
		}
	})
	e.GET("/posts/:id", func(c echo.Context) error { return c.HTML(http.StatusOK, page(c.Param("id"))) })
	e.GET("/teapot", func(c echo.Context) error { return echo.NewHTTPError(http.StatusTeapot, "short and stout") })
	return tb.Middleware(e)
}
