/* SPDX-License-Identifier: 0BSD */
/* Finding words and key=value pairs on a space-separated command line. */
#include <frame64/cmdline.h>
#include <frame64/kstring.h>

/* The first word of s that starts with prefix and ends right after it or at end_chars. */
static const char *find_word(const char *s, const char *prefix, char end)
{
    size_t n = strlen(prefix);
    for (const char *p = s; p && *p; p++) {
        if (p != s && p[-1] != ' ')
            continue;
        if (strncmp(p, prefix, n) == 0 && (p[n] == end || (end == ' ' && p[n] == '\0')))
            return p;
    }
    return NULL;
}

bool cmdline_has_word(const char *s, const char *word)
{
    return *word && find_word(s, word, ' ') != NULL;
}

const char *cmdline_value(const char *s, const char *key)
{
    const char *w = *key ? find_word(s, key, '=') : NULL;
    return w ? w + strlen(key) + 1 : NULL;
}

bool cmdline_value_is(const char *v, const char *text)
{
    size_t n = strlen(text);
    return v && strncmp(v, text, n) == 0 && (v[n] == ' ' || v[n] == '\0');
}
