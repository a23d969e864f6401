/*
 * The report written out (report_private.h): the writers' buffer, values
 * escaped for each format, and report_write, which runs the writer of a
 * format.
 */
#include "report/report_private.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
rout_open(struct report_out *o, FILE *f)
{
	o->f = f;
	o->len = 0;
}

void
rout_flush(struct report_out *o)
{
	if (o->len > 0)
		fwrite(o->buf, 1, o->len, o->f);
	o->len = 0;
}

void
rout_spill(struct report_out *o, const void *p, size_t n)
{
	rout_flush(o);
	if (n >= REPORT_OUT_BLOCK)
		fwrite(p, 1, n, o->f);
	else {
		memcpy(o->buf, p, n);
		o->len = n;
	}
}

void
rout_printf(struct report_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, REPORT_OUT_BLOCK - o->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < REPORT_OUT_BLOCK - o->len) {
		o->len += (size_t)n;
		return;
	}
	/* it did not fit: again, alone */
	{
		struct strbuf b = STRBUF_INIT;

		va_start(ap, fmt);
		strbuf_vprintf(&b, fmt, ap);
		va_end(ap);
		rout_add(o, b.s, b.len);
		strbuf_finish(&b);
	}
}

void
rout_put(struct report_out *o, const void *p, size_t len, enum text_style style)
{
	size_t plain = text_plain_span(p, len, style);
	struct strbuf b = STRBUF_INIT;

	/* most values need no escaping: copied as they are */
	rout_add(o, p, plain);
	if (plain == len)
		return;
	text_escape(&b, (const char *)p + plain, len - plain, style);
	rout_add(o, b.s, b.len);
	strbuf_finish(&b);
}

void
rout_put_str(struct report_out *o, const char *s, enum text_style style)
{
	if (s != NULL)
		rout_put(o, s, strlen(s), style);
}

void
rout_put_value(struct report_out *o, const struct value *v,
    enum text_style style)
{
	if (v->s != NULL)
		rout_put(o, v->s, v->len, style);
}

int
report_write(const struct report *r, enum report_format format, FILE *out)
{
	struct report_out o;

	rout_open(&o, out);
	switch (format) {
	case REPORT_TEXT:
		report_write_text(r, &o);
		break;
	case REPORT_CSV:
		report_write_csv(r, &o);
		break;
	case REPORT_JSON:
		report_write_json(r, &o);
		break;
	case REPORT_HTML:
		report_write_html(r, &o);
		break;
	}
	rout_flush(&o);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}
