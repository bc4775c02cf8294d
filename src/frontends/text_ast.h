/* The text format after parsing and before expansion: statements that still
 * hold their tokens, so that block arguments and $-substitutions can be
 * applied afresh to every copy a block or repeat makes. */
#ifndef FV_TEXT_AST_H
#define FV_TEXT_AST_H

#include "text_lexer.h"

typedef enum fv_tstmt_kind {
    FV_TSTMT_INPUT,  /* input [NAME] key=value... */
    FV_TSTMT_LAYER,  /* [LABEL:] OP|BLOCK key=value... */
    FV_TSTMT_REPEAT, /* [LABEL:] repeat N { body } */
    FV_TSTMT_FOR,    /* for VAR in ITEM,... { body }: copies in the same scope */
    FV_TSTMT_HEAD    /* head on=LAYER kind=KIND key=value...: detection anchors */
} fv_tstmt_kind;

typedef struct fv_tstmt fv_tstmt;

typedef struct fv_tlist {
    fv_tstmt *items;
    size_t n, cap;
} fv_tlist;

struct fv_tstmt {
    fv_tstmt_kind kind;
    const fv_token *label;   /* NULL when unlabelled */
    const fv_token *head;    /* op or block name; 'input'; 'repeat' */
    const fv_token *name;    /* input's NAME, repeat's count, for's VAR; may be NULL */
    size_t args_begin;       /* token range of key[=value] arguments, or of */
    size_t args_end;         /* a for loop's items and commas */
    const fv_token *open;    /* repeat's or for's '{' */
    fv_tlist body;           /* repeat's or for's statements */
};

typedef struct fv_tparam {
    const fv_token *name;
    const fv_token *def;     /* default value, or NULL when required */
} fv_tparam;

typedef struct fv_tblock {
    const fv_token *name;
    fv_tparam *params;
    size_t n_params;
    fv_tlist body;
    int active;              /* being expanded now: using it again is recursion */
} fv_tblock;

typedef struct fv_tprogram {
    fv_token *toks;
    size_t n_toks;
    fv_tlist top;
    fv_tblock *blocks;
    size_t n_blocks, cap_blocks;
} fv_tprogram;

/* Maximum nesting of braces and of block/repeat expansion. */
#define FV_TEXT_MAX_DEPTH 32
/* Maximum copies one repeat makes. */
#define FV_TEXT_MAX_REPEAT 1000000
/* Maximum nodes a program expands to. Nested repeats and blocks multiply:
 * three lines can ask for 10^18 layers. The deepest published CNNs
 * (ResNet-1001) have a few thousand layers; 65,536 leaves ample room while a
 * file full of nested repeats still fails in well under a second. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
/* The fuzz build reaches the same limit sixteen times sooner, so that the
 * fuzzer spends its time on the paths to it, not on expanding up to it. */
#define FV_TEXT_MAX_NODES (1 << 12)
#else
#define FV_TEXT_MAX_NODES (1 << 16)
#endif

/* Lexes and parses the whole source into *prog (caller frees with
 * fv_tprogram_free, also after a failure). */
fv_status fv_text_parse_program(const fv_src *src, fv_tprogram *prog);
void fv_tprogram_free(fv_tprogram *prog);

/* Expands the program into `graph` (already created, source set, text kept). */
fv_status fv_text_expand(const fv_src *src, fv_tprogram *prog, fv_graph *graph);

/* Replaces $name and ${expr} in a token's text; result NUL-terminated in out.
 * `lookup` returns the value bound to a name, or NULL. Errors point into tok. */
typedef const char *(*fv_text_lookup)(void *ctx, const char *name, size_t len);
fv_status fv_text_subst(const fv_src *src, const fv_token *tok, fv_text_lookup lookup,
                        void *ctx, char *out, size_t size);

#endif
