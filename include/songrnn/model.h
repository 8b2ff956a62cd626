/* songrnn — the model file (src/model).
 *
 * Two layers:
 *  1. srnn_modelfile: plain data (config, vocabulary blob, float arrays, history) and its codec,
 *     independent of the network's internals.  Everything is validated on decode; a damaged,
 *     truncated, foreign or newer file is refused with a one-line message.
 *  2. srnn_model (opaque): config + vocabulary + network (+ optimizer state, history), saved
 *     and loaded through layer 1.
 *
 * File format, version 2 (all integers little-endian, floats IEEE-754 little-endian; version 1,
 * of songrnn 0.1, is the same without the keys and the cary section it added, and is read):
 *
 *   offset 0   12 bytes  magic "\x89songrnn\r\n\x1a\n"  (catches text-mode transfers)
 *          12  u32       format version
 *          16  u64       total file size in bytes, trailer included
 *          24  sections, each: 4-byte ASCII tag, u64 payload length, payload
 *   size - 4   u32       CRC-32 (IEEE 802.3, as zlib's crc32) of every byte before it
 *
 * Sections, in this order: CONF, VOCB, PARM, then optionally OPTS and HIST.  A section whose tag
 * starts with a lower-case letter is ancillary: an older reader skips it.  Layout of each:
 *   CONF  u32 n, then n entries: u8 key length, key, u8 type ('i' i64, 'u' u64, 'f' f64,
 *         's' u32 length + bytes); unknown keys are skipped, so fields can be added.
 *   VOCB  the vocabulary blob of srnn_vocab_save, as is.
 *   PARM  u64 n, n float32: the network's parameter buffer.
 *   OPTS  u64 n, n float32: the optimizer's state buffer.
 *   HIST  u32 n, u32 record size (48), n records: f64 train loss, val loss, train acc,
 *         val acc, seconds, u64 tokens.
 *   PRIM  u32 n, u32 length, n x length u32 tokens: windows of the training data that
 *         `generate` starts from when it is given no primer (optional).
 *   cary  u32 B, u64 n, n float32: the network's carried state of B training streams, for a
 *         checkpoint inside an epoch (ancillary: an older reader skips it). */
#ifndef SONGRNN_MODEL_H
#define SONGRNN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "songrnn/common.h"

#define SRNN_MODELFILE_VERSION 2

/* ---- layer 1: the file's contents --------------------------------------------------------- */

typedef struct srnn_model_netcfg {
    char cell[8];      /* "lstm", "gru" or "rnn" */
    int vocab_size;    /* input and output size */
    int embed;         /* embedding size */
    int conv_channels; /* causal Conv1D + ReLU channels; 0: no convolution */
    int conv_kernel;
    int layers;        /* stacked recurrent layers */
    int hidden;        /* units per recurrent layer */
    double dropout;    /* between layers, in [0, 1) */
    double forget_bias; /* LSTM forget-gate bias at initialization; 0: PyTorch's init */
} srnn_model_netcfg;

typedef struct srnn_model_tokcfg {
    int grid;          /* notes mode: grid steps per quarter note */
    int max_vocab;     /* notes mode: vocabulary bound */
    int velocity_bins; /* notes mode: 0 none */
    int tokens;        /* notes mode: srnn_notes_tokens (0 metric, 1 timeshift) */
    int velocity_scale; /* notes mode: srnn_velocity_scale (0 quantile, 1 fixed) */
    int transpose;     /* notes mode: transposition augmentation, +-semitones; 0 none */
    int pitch_min, pitch_max; /* the pitches training saw (transpositions included); 0 and 0:
                                 unknown (files of format 1), all of 0..127 */
} srnn_model_tokcfg;

/* What a later `train --resume` needs to go on where training stopped. */
typedef struct srnn_model_traincfg {
    int seq_len, batch;
    char optimizer[16]; /* "adam", "rmsprop", "adagrad", "sgd" */
    double lr, clip, val_split;
    double momentum;     /* SGD momentum; 0: none */
    double beta1, beta2, alpha, eps; /* Adam / RMSprop constants; 0: PyTorch's defaults */
    int patience;
    int epochs;          /* epochs asked for */
    double max_seconds;  /* 0: no limit */
    uint64_t seed;
    int64_t epoch;       /* epochs completed */
    int64_t step;        /* training steps (batches) taken */
    int64_t optim_step;  /* the optimizer's own step counter (Adam's bias correction) */
    uint64_t rng_state[4];
    double best_val_loss; /* for early stopping across resumes; 0 when none yet */
    int bad_epochs;       /* epochs since the best validation loss */
    int lr_schedule;      /* srnn_lr_schedule of train.h: 0 constant, 1 cosine, 2 plateau */
    int warmup;           /* warm-up steps */
    double min_lr;        /* cosine floor, a fraction of lr */
    double weight_decay;
    double checkpoint_minutes; /* 0: only at epoch ends */
    /* inside an epoch (srnn_train_state of train.h); all 0 at an epoch boundary */
    int64_t window;
    double loss_sum;
    uint64_t correct;
    double epoch_seconds;
    uint64_t dropout_rng[4];
    double lr_scale;
} srnn_model_traincfg;

typedef struct srnn_model_config {
    int mode; /* srnn_mode of vocab.h: 0 notes, 1 abc, 2 tabla */
    srnn_model_netcfg net;
    srnn_model_tokcfg tok;
    srnn_model_traincfg train;
    double tempo; /* BPM typical of the corpus, for output; 0: unknown */
    double in_key; /* notes: share of the corpus's notes inside their piece's best diatonic
                    * scale (srnn_music_in_key), which sampling keeps to; 0: unknown */
    double bar_repetition; /* notes: share of the corpus's bars repeating an earlier bar's
                            * rhythm (srnn_music_bar_repetition), the share of generated bars
                            * that repeat the one before; 0: unknown */
} srnn_model_config;

/* Fills cfg with the defaults of DESIGN §3 (lstm, 2 x 256, embed 64, conv 128:3, ...). */
void srnn_model_config_defaults(srnn_model_config *cfg);
/* Checks ranges (sizes positive and bounded, cell and optimizer known, dropout in [0, 1)). */
int srnn_model_config_check(const srnn_model_config *cfg, srnn_error *err) SRNN_WARN_UNUSED;

typedef struct srnn_history_entry {
    double train_loss, val_loss; /* mean cross-entropy per token, nats; NaN: not measured */
    double train_acc, val_acc;   /* fraction of next tokens predicted exactly */
    double seconds;              /* wall time of the epoch */
    uint64_t tokens;             /* training tokens seen in the epoch */
} srnn_history_entry;

/* Decode fills every pointer with malloc'ed memory that srnn_modelfile_release frees. */
typedef struct srnn_modelfile {
    srnn_model_config config;
    unsigned char *vocab; /* srnn_vocab_save blob */
    size_t vocab_size;
    float *params;
    size_t n_params;
    float *opt_state; /* NULL and 0: none */
    size_t n_opt_state;
    srnn_history_entry *history;
    size_t n_history;
    uint32_t *primers; /* [n_primers][primer_len]; NULL and 0: none */
    size_t n_primers, primer_len;
    float *carried; /* the carried state of carried_B streams; NULL and 0: none */
    size_t n_carried;
    int carried_B;
    int version;    /* decode: the file's format version (encode writes the current one) */
} srnn_modelfile;

void srnn_modelfile_release(srnn_modelfile *mf);

/* To bytes (*out malloc'ed) and back.  Decode never reads past size, never allocates more than
 * size bytes' worth, and leaves mf zeroed on failure. */
int srnn_modelfile_encode(const srnn_modelfile *mf, unsigned char **out, size_t *size,
                          srnn_error *err) SRNN_WARN_UNUSED;
int srnn_modelfile_decode(const unsigned char *data, size_t size, srnn_modelfile *mf,
                          srnn_error *err) SRNN_WARN_UNUSED;
/* Through srnn_file_write_atomic / srnn_file_read_all. */
int srnn_modelfile_write(const char *path, const srnn_modelfile *mf,
                         srnn_error *err) SRNN_WARN_UNUSED;
int srnn_modelfile_read(const char *path, srnn_modelfile *mf, srnn_error *err) SRNN_WARN_UNUSED;

/* CRC-32 (IEEE, reflected, as zlib): crc = srnn_crc32(0, data, n), chainable. */
uint32_t srnn_crc32(uint32_t crc, const void *data, size_t n);

/* ---- layer 2: the model as a whole ------------------------------------------------------- */

typedef struct srnn_vocab srnn_vocab; /* vocab.h */
typedef struct srnn_nn srnn_nn;       /* nn.h */
typedef struct srnn_optim srnn_optim; /* nn.h */
typedef struct srnn_model srnn_model; /* opaque */

/* A new model for vocab (copied; the caller keeps its own): cfg's mode and net.vocab_size are
 * taken from vocab, the network is created and initialized from cfg->train.seed. */
int srnn_model_new(srnn_model **out, const srnn_model_config *cfg, const srnn_vocab *vocab,
                   srnn_error *err) SRNN_WARN_UNUSED;
void srnn_model_free(srnn_model *model);

/* Saves atomically (a failed save leaves the previous file whole).  with_optimizer also writes
 * the optimizer's state, when the model has an optimizer, for `train --resume`. */
int srnn_model_save(const srnn_model *model, const char *path, int with_optimizer,
                    srnn_error *err) SRNN_WARN_UNUSED;
/* Loads and checks that vocabulary, network and optimizer state agree with the config. */
int srnn_model_load(const char *path, srnn_model **out, srnn_error *err) SRNN_WARN_UNUSED;
/* The same in memory (*bytes malloc'ed). */
int srnn_model_encode(const srnn_model *model, int with_optimizer, unsigned char **bytes,
                      size_t *size, srnn_error *err) SRNN_WARN_UNUSED;
int srnn_model_decode(const unsigned char *bytes, size_t size, srnn_model **out,
                      srnn_error *err) SRNN_WARN_UNUSED;

const srnn_model_config *srnn_model_get_config(const srnn_model *model);
/* The training part of the config, writable: counters, RNG state, settings of a resume. */
srnn_model_traincfg *srnn_model_train_state(srnn_model *model);
int srnn_model_mode(const srnn_model *model); /* srnn_mode */
const srnn_vocab *srnn_model_vocab(const srnn_model *model);
srnn_nn *srnn_model_net(srnn_model *model);
size_t srnn_model_num_params(const srnn_model *model);
/* The format version of the file the model was loaded from (SRNN_MODELFILE_VERSION for a new
 * model: that is what a save writes). */
int srnn_model_file_version(const srnn_model *model);

/* The optimizer: present after loading a file saved with it, or once created here from the
 * config's training settings (optimizer, lr, momentum, ...).  srnn_model_optim gives NULL
 * while there is none; srnn_model_optim_create returns the existing one if there is. */
srnn_optim *srnn_model_optim(srnn_model *model);
int srnn_model_optim_create(srnn_model *model, srnn_optim **out, srnn_error *err)
    SRNN_WARN_UNUSED;

/* Per-epoch training history. */
const srnn_history_entry *srnn_model_history(const srnn_model *model, size_t *n);
int srnn_model_history_add(srnn_model *model, const srnn_history_entry *entry) SRNN_WARN_UNUSED;

/* The network's carried training state of B streams, saved by srnn_model_save with the
 * optimizer for a checkpoint inside an epoch (train.window > 0) and restored by load; set it
 * before saving (copied; NULL clears it). */
int srnn_model_set_carried(srnn_model *model, const float *state, size_t n, int B)
    SRNN_WARN_UNUSED;

/* Windows of training tokens to start generation from (copied): n windows of len tokens. */
int srnn_model_set_primers(srnn_model *model, const int32_t *tokens, size_t n, size_t len)
    SRNN_WARN_UNUSED;
/* The stored windows ([*n][*len]), or NULL when there are none. */
const uint32_t *srnn_model_primers(const srnn_model *model, size_t *n, size_t *len);
/* Parameter count of a network with this config, computed from the layout of nn.h without
 * allocating; 0 when the config is invalid. */
size_t srnn_model_count_params(const srnn_model_netcfg *net);

#endif
