//go:build cgo && sqltrace_cgo

package cgocall

/*
extern void sqltraceGoCallback(void);

void sqltraceCallBack(void) { sqltraceGoCallback(); }
*/
import "C"
