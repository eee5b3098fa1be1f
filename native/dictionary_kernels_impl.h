/*
 * The compute half of the dictionary kernels (see dictionary_kernels.c for what they are and why). This file is
 * compiled twice, by dictionary_kernels_avx2.c and dictionary_kernels_generic.c, each defining MC_ENTRY to name
 * its entry points; the JNI bridge picks one per call by what the CPU supports. Whole-file builds rather than
 * per-function clones let the compiler inline the small kernels into the loops that call them.
 */
#include "dictionary_kernels.h"

/* Math.ulp(1.0): scikit-learn's min_float for float64 Gram matrices. */
#define OMP_EPS 2.220446049250313e-16
/* Rows per dynamically scheduled block of a pass. */
#define BLOCK 256

/* The passes over the rows: DictionaryLearner's codeSubset, refit and finalCoding, and NormalEquations.ofCode. */
enum { PASS_CODE_SUBSET = 0, PASS_REFIT = 1, PASS_FINAL = 2, PASS_NORMAL = 3 };
/* The normal equations are summed in this many fixed row ranges, each into its own partial sums, added in order
 * afterwards: the result does not depend on the number of threads or on scheduling. */
#define NORMAL_CHUNKS 2

typedef struct {
  int atoms, dim;
  const float* atom_rows; /* atoms x dim */
  double* atom_rows_d;    /* atoms x dim, exact widening */
  float* transposed;      /* dim x atoms */
  double* gram;           /* atoms x atoms */
  float* gram_f;          /* atoms x atoms, rounded */
} Dict;

/* One thread's Batch-OMP state; the fields mirror OmpKernel's. */
typedef struct {
  int k;
  float* x;
  double* xd;
  double* row; /* the learner's current row in double */
  float* alpha0;
  float* alpha;
  int* position;
  int* atom_at;
  double* chol; /* k x k, row i holds L[i][0..i] */
  double* w;
  int* swapped_with;
  int* selected;
  double* coefficients;
  double* forward;
  double* alpha0_selected;
  int count;
  double residual;
  double squared_norm;
} Coder;

/* ---- the small kernels (Kernels.java) ---- */

/* Kernels.dot: four partial sums, tail into the first, (s0 + s1) + (s2 + s3). */
static double dot(const double* x, const double* y, int n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += x[i] * y[i];
    s1 += x[i + 1] * y[i + 1];
    s2 += x[i + 2] * y[i + 2];
    s3 += x[i + 3] * y[i + 3];
  }
  for (; i < n; i++) s0 += x[i] * y[i];
  return (s0 + s1) + (s2 + s3);
}

/* Kernels.axpy4; each vector lane computes the scalar expression, so every build gives identical results. */
static void axpy4(float c0, const float* restrict x0, float c1, const float* restrict x1, float c2,
                  const float* restrict x2, float c3, const float* restrict x3, float* restrict y, int n) {
  for (int i = 0; i < n; i++) y[i] += c0 * x0[i] + c1 * x1[i] + c2 * x2[i] + c3 * x3[i];
}

/* Kernels.axpy over doubles. */
static void axpy_d(double a, const double* restrict x, double* restrict y, int n) {
  for (int i = 0; i < n; i++) y[i] += a * x[i];
}

/* Kernels.gemv4: y += sum_p c[p] * rows[p], four rows per pass, a partial group padded with zero weights. */
static void gemv4(const float* c, const float* rows, int count, int stride, float* y, int n) {
  int p = 0;
  for (; p + 3 < count; p += 4) {
    axpy4(c[p], rows + (size_t)p * stride, c[p + 1], rows + (size_t)(p + 1) * stride, c[p + 2],
          rows + (size_t)(p + 2) * stride, c[p + 3], rows + (size_t)(p + 3) * stride, y, n);
  }
  if (p < count) {
    const float* r0 = rows + (size_t)p * stride;
    axpy4(c[p], r0, p + 1 < count ? c[p + 1] : 0.0f, p + 1 < count ? rows + (size_t)(p + 1) * stride : r0,
          p + 2 < count ? c[p + 2] : 0.0f, p + 2 < count ? rows + (size_t)(p + 2) * stride : r0, 0.0f, r0, y, n);
  }
}

/* VL floats: one register of the build's vector unit (8 for AVX2, 4 for SSE2). Generic vectors wider than the
 * target's registers are lowered through the stack, which made them slower than scalar code. */
#ifndef MC_VECTOR_FLOATS
#define MC_VECTOR_FLOATS 4
#endif
#define VL MC_VECTOR_FLOATS
typedef float vf __attribute__((vector_size(VL * 4)));
typedef int vi __attribute__((vector_size(VL * 4)));

static inline vf loadv(const float* p) {
  vf v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* One group of gemv4 for VL atoms: acc + (((x0 t0 + x1 t1) + x2 t2) + x3 t3), as Kernels.axpy4 evaluates it. */
static inline vf group(vf acc, const float* x, const float* t, size_t stride, size_t j) {
  return acc + (((x[0] * loadv(t + j) + x[1] * loadv(t + stride + j)) + x[2] * loadv(t + 2 * stride + j))
                + x[3] * loadv(t + 3 * stride + j));
}

/*
 * alpha0 = D x as OmpKernel.correlations computes it (zeroed, then gemv4's four-dimension groups added in order),
 * but with the running sums of 4·VL atoms held in four registers across all dimensions instead of loaded and stored
 * once per group: four independent chains keep the adder busy. Each element sees the same operations in the same
 * order, so the values are identical. Dimensions beyond the last whole group of four, and atoms beyond the last
 * whole group of 4·VL, go through gemv4 itself.
 */
static void correlations(const float* x, const float* t, int d, int K, float* alpha0) {
  const int full = d - d % 4;
  const size_t stride = (size_t)K;
  int j = 0;
  for (; j + 4 * VL - 1 < K; j += 4 * VL) {
    vf a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
    for (int p = 0; p < full; p += 4) {
      const float* tp = t + (size_t)p * stride;
      a0 = group(a0, x + p, tp, stride, j);
      a1 = group(a1, x + p, tp, stride, j + VL);
      a2 = group(a2, x + p, tp, stride, j + 2 * VL);
      a3 = group(a3, x + p, tp, stride, j + 3 * VL);
    }
    memcpy(alpha0 + j, &a0, sizeof a0);
    memcpy(alpha0 + j + VL, &a1, sizeof a1);
    memcpy(alpha0 + j + 2 * VL, &a2, sizeof a2);
    memcpy(alpha0 + j + 3 * VL, &a3, sizeof a3);
  }
  memset(alpha0 + j, 0, sizeof(float) * (K - j));
  if (j < K) gemv4(x, t + j, full, K, alpha0 + j, K - j);
  if (full < d) gemv4(x + full, t + (size_t)full * stride, d - full, K, alpha0, K);
}

/*
 * OmpKernel.argmaxAbs: the first index of the largest |a[j]|. 4·VL lanes (four registers, four independent
 * compare-and-select chains) each keep their running maximum and the first index reaching it, as a float (exact
 * below 2^24); the answer is the smallest index among the lanes holding the overall maximum, which is the first
 * index of that maximum. The scalar compare-and-select chain had taken half of all coding time.
 */
static int argmax_abs(const float* a, int n) {
  const vi abs_mask = (vi){0} + 0x7fffffff;
  vf m0 = (vf){0} - 1.0f, m1 = m0, m2 = m0, m3 = m0;
  vf at0 = {0}, at1 = {0}, at2 = {0}, at3 = {0};
  vf index0;
  for (int l = 0; l < VL; l++) index0[l] = (float)l;
  vf index1 = index0 + (float)VL, index2 = index0 + (float)(2 * VL), index3 = index0 + (float)(3 * VL);
  int i = 0;
#define MC_LANE_STEP(m, at, index, off)                             \
  {                                                                 \
    vf v = (vf)((vi)loadv(a + i + (off)) & abs_mask);               \
    vi greater = v > m;                                             \
    at = (vf)(((vi)index & greater) | ((vi)at & ~greater));         \
    m = (vf)(((vi)v & greater) | ((vi)m & ~greater));               \
    index += (float)(4 * VL);                                       \
  }
  for (; i + 4 * VL - 1 < n; i += 4 * VL) {
    MC_LANE_STEP(m0, at0, index0, 0)
    MC_LANE_STEP(m1, at1, index1, VL)
    MC_LANE_STEP(m2, at2, index2, 2 * VL)
    MC_LANE_STEP(m3, at3, index3, 3 * VL)
  }
#undef MC_LANE_STEP
  /* Merge the four registers lane by lane (larger value; on a tie the smaller index), then the lanes. */
  vi g = (m1 > m0) | ((m1 == m0) & (at1 < at0));
  m0 = (vf)(((vi)m1 & g) | ((vi)m0 & ~g));
  at0 = (vf)(((vi)at1 & g) | ((vi)at0 & ~g));
  g = (m3 > m2) | ((m3 == m2) & (at3 < at2));
  m2 = (vf)(((vi)m3 & g) | ((vi)m2 & ~g));
  at2 = (vf)(((vi)at3 & g) | ((vi)at2 & ~g));
  g = (m2 > m0) | ((m2 == m0) & (at2 < at0));
  m0 = (vf)(((vi)m2 & g) | ((vi)m0 & ~g));
  at0 = (vf)(((vi)at2 & g) | ((vi)at0 & ~g));
  int best = 0;
  float best_value = -1.0f;
  for (int l = 0; l < VL; l++) {
    if (m0[l] > best_value || (m0[l] == best_value && (int)at0[l] < best)) {
      best = (int)at0[l];
      best_value = m0[l];
    }
  }
  for (; i < n; i++) {
    float v = fabsf(a[i]);
    if (v > best_value) {
      best = i;
      best_value = v;
    }
  }
  return best;
}

/* ---- the dictionary (GramDictionary.java) ---- */

static void dict_free(Dict* g) {
  free(g->atom_rows_d);
  free(g->transposed);
  free(g->gram);
  free(g->gram_f);
}

static int dict_alloc(Dict* g, int atoms, int dim) {
  g->atoms = atoms;
  g->dim = dim;
  g->atom_rows = NULL;
  g->atom_rows_d = malloc(sizeof(double) * (size_t)atoms * dim);
  g->transposed = malloc(sizeof(float) * (size_t)atoms * dim);
  g->gram = malloc(sizeof(double) * (size_t)atoms * atoms);
  g->gram_f = malloc(sizeof(float) * (size_t)atoms * atoms);
  if (!g->atom_rows_d || !g->transposed || !g->gram || !g->gram_f) {
    dict_free(g);
    return -1;
  }
  return 0;
}

/* GramDictionary.of into buffers from dict_alloc (reused across a learner's iterations: freeing and mapping these
 * half-megabyte arrays again every pass cost page faults and cross-CPU TLB flushes). */
static void dict_fill(Dict* g, const float* atom_rows) {
  const int atoms = g->atoms, dim = g->dim;
  g->atom_rows = atom_rows;
  for (int a = 0; a < atoms; a++) {
    for (int p = 0; p < dim; p++) {
      float v = atom_rows[(size_t)a * dim + p];
      g->transposed[(size_t)p * atoms + a] = v;
      g->atom_rows_d[(size_t)a * dim + p] = v;
    }
  }
  for (int i = 0; i < atoms; i++) {
    const double* ri = g->atom_rows_d + (size_t)i * dim;
    for (int j = 0; j <= i; j++) {
      double v = dot(ri, g->atom_rows_d + (size_t)j * dim, dim);
      g->gram[(size_t)i * atoms + j] = v;
      g->gram[(size_t)j * atoms + i] = v;
      g->gram_f[(size_t)i * atoms + j] = (float)v;
      g->gram_f[(size_t)j * atoms + i] = (float)v;
    }
  }
}

static int dict_init(Dict* g, const float* atom_rows, int atoms, int dim) {
  if (dict_alloc(g, atoms, dim) != 0) return -1;
  dict_fill(g, atom_rows);
  return 0;
}

/* ---- one thread's coder (OmpKernel.java) ---- */

static void coder_free(Coder* c) {
  if (!c) return;
  free(c->x);
  free(c->xd);
  free(c->row);
  free(c->alpha0);
  free(c->alpha);
  free(c->position);
  free(c->atom_at);
  free(c->chol);
  free(c->w);
  free(c->swapped_with);
  free(c->selected);
  free(c->coefficients);
  free(c->forward);
  free(c->alpha0_selected);
  free(c);
}

static Coder* coder_new(const Dict* g, int k) {
  Coder* c = calloc(1, sizeof(Coder));
  if (!c) return NULL;
  int K = g->atoms, d = g->dim;
  c->k = k;
  c->x = malloc(sizeof(float) * d);
  c->xd = malloc(sizeof(double) * d);
  c->row = malloc(sizeof(double) * d);
  c->alpha0 = malloc(sizeof(float) * K);
  c->alpha = malloc(sizeof(float) * K);
  c->position = malloc(sizeof(int) * K);
  c->atom_at = malloc(sizeof(int) * K);
  c->chol = calloc((size_t)k * k, sizeof(double));
  c->w = calloc(k, sizeof(double));
  c->swapped_with = calloc(k, sizeof(int));
  c->selected = calloc(k, sizeof(int));
  c->coefficients = calloc(k, sizeof(double));
  c->forward = calloc(k, sizeof(double));
  c->alpha0_selected = calloc(k, sizeof(double));
  if (!c->x || !c->xd || !c->row || !c->alpha0 || !c->alpha || !c->position || !c->atom_at || !c->chol || !c->w
      || !c->swapped_with || !c->selected || !c->coefficients || !c->forward || !c->alpha0_selected) {
    coder_free(c);
    return NULL;
  }
  for (int i = 0; i < K; i++) {
    c->position[i] = i;
    c->atom_at[i] = i;
  }
  return c;
}

static double dot_selected(const Coder* c, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += c->coefficients[i] * c->alpha0_selected[i];
  return s;
}

/* The first half of OmpKernel.adopt: grows the Cholesky factor and y = L^-1 alpha0_I by atom lam, returning the new
 * count; -1 changes nothing. {@link back_substitute} then gives the coefficients. */
static int adopt(Coder* c, const Dict* g, int lam, int n, double a0, int omp) {
  const int K = g->atoms, k = c->k;
  const double* gram = g->gram;
  if (omp) {
    double a = a0;
    for (int i = 0; i < n; i++) a -= c->coefficients[i] * gram[(size_t)c->selected[i] * K + lam];
    if (c->position[lam] < n || a * a < OMP_EPS) return -1;
  }
  double* ln = c->chol + (size_t)n * k;
  double glam = gram[(size_t)lam * K + lam];
  if (n == 0) {
    if (!omp && glam <= OMP_EPS) return -1;
    ln[0] = sqrt(glam);
  } else {
    double s0 = gram[(size_t)c->selected[0] * K + lam] / c->chol[0];
    c->w[0] = s0;
    double v = s0 * s0;
    for (int i = 1; i < n; i++) {
      const double* li = c->chol + (size_t)i * k;
      double s = gram[(size_t)c->selected[i] * K + lam];
      for (int j = 0; j < i; j++) s -= li[j] * c->w[j];
      s /= li[i];
      c->w[i] = s;
      v += s * s;
    }
    double pivot = glam - v;
    if (pivot <= OMP_EPS) return -1;
    memcpy(ln, c->w, sizeof(double) * n);
    ln[n] = sqrt(pivot);
  }
  if (omp) {
    int p = c->position[lam];
    int displaced = c->atom_at[n];
    c->atom_at[p] = displaced;
    c->position[displaced] = p;
    c->atom_at[n] = lam;
    c->position[lam] = n;
    c->swapped_with[n] = p;
  }
  c->selected[n] = lam;
  c->alpha0_selected[n] = a0;
  double f = a0;
  for (int j = 0; j < n; j++) f -= ln[j] * c->forward[j];
  c->forward[n] = f / ln[n];
  return n + 1;
}

/* The second half of OmpKernel.adopt: gamma = L^-T y for the first m atoms, afresh (it depends only on L and y, so
 * a refit, which needs only the last gamma, calls it once instead of after every atom: same values). */
static void back_substitute(Coder* c, int m) {
  const int k = c->k;
  const int n = m - 1;
  double* y = c->coefficients;
  y[n] = c->forward[n] / c->chol[(size_t)n * k + n];
  for (int q = 1; q < m; q++) {
    int i = n - q;
    double s = c->forward[i];
    for (int j = i + 1; j < m; j++) s -= c->chol[(size_t)j * k + i] * y[j];
    y[i] = s / c->chol[(size_t)i * k + i];
  }
}

static void restore_working_order(Coder* c, int n) {
  for (int i = n - 1; i >= 0; i--) {
    int p = c->swapped_with[i];
    int a = c->atom_at[i];
    int b = c->atom_at[p];
    c->atom_at[i] = b;
    c->atom_at[p] = a;
    c->position[b] = i;
    c->position[a] = p;
  }
}

static int earliest_in_working_order(const Coder* c, const float* a, int K, int best, int n) {
  float m = fabsf(a[best]);
  if (c->position[best] != best) {
    for (int j = 0; j < K; j++) {
      if (fabsf(a[j]) == m && c->position[j] < c->position[best]) best = j;
    }
    return best;
  }
  for (int i = 0; i < n; i++) {
    int x = c->atom_at[i];
    if (fabsf(a[x]) == m && c->position[x] < c->position[best]) best = x;
    x = c->atom_at[c->swapped_with[i]];
    if (fabsf(a[x]) == m && c->position[x] < c->position[best]) best = x;
  }
  return best;
}

static void update_correlations(Coder* c, const Dict* g, int n) {
  const int K = g->atoms;
  memcpy(c->alpha, c->alpha0, sizeof(float) * K);
  for (int i = 0; i < n; i += 4) {
    const float* g0 = g->gram_f + (size_t)c->selected[i] * K;
    float c0 = -(float)c->coefficients[i];
    const float* g1 = i + 1 < n ? g->gram_f + (size_t)c->selected[i + 1] * K : g0;
    float c1 = i + 1 < n ? -(float)c->coefficients[i + 1] : -0.0f;
    const float* g2 = i + 2 < n ? g->gram_f + (size_t)c->selected[i + 2] * K : g0;
    float c2 = i + 2 < n ? -(float)c->coefficients[i + 2] : -0.0f;
    const float* g3 = i + 3 < n ? g->gram_f + (size_t)c->selected[i + 3] * K : g0;
    float c3 = i + 3 < n ? -(float)c->coefficients[i + 3] : -0.0f;
    axpy4(c0, g0, c1, g1, c2, g2, c3, g3, c->alpha, K);
  }
}

/* OmpKernel.code: Batch-OMP of one signal; tolerance < 0 for none. */
static void code(Coder* c, const Dict* g, const float* signal, double tolerance) {
  const int K = g->atoms, d = g->dim;
  double norm2 = 0;
  for (int p = 0; p < d; p++) {
    c->x[p] = signal[p];
    c->xd[p] = c->x[p];
    norm2 += c->xd[p] * c->xd[p];
  }
  c->squared_norm = norm2;
  if (!isfinite(norm2)) {
    c->count = 0;
    c->residual = norm2;
    return;
  }
  correlations(c->x, g->transposed, d, K, c->alpha0);
  const float* ranked = c->alpha0;
  int n = 0;
  for (;;) {
    int lam = argmax_abs(ranked, K);
    if (n > 0) lam = earliest_in_working_order(c, ranked, K, lam, n);
    int grown = adopt(c, g, lam, n, dot(c->xd, g->atom_rows_d + (size_t)lam * d, d), 1);
    if (grown < 0) break;
    n = grown;
    back_substitute(c, n);
    if (tolerance >= 0 && fabs(norm2 - dot_selected(c, n)) <= tolerance) break;
    if (n == c->k) break;
    update_correlations(c, g, n);
    ranked = c->alpha;
  }
  c->count = n;
  c->residual = norm2 - dot_selected(c, n);
  restore_working_order(c, n);
}

/* OmpKernel.refit: least squares on a fixed support; dependent atoms are dropped. */
static void refit(Coder* c, const Dict* g, const double* x_row, double norm2, const int* support, int count) {
  const int d = g->dim;
  int n = 0;
  for (int t = 0; t < count; t++) {
    int lam = support[t];
    int grown = adopt(c, g, lam, n, dot(x_row, g->atom_rows_d + (size_t)lam * d, d), 0);
    if (grown > 0) n = grown;
  }
  if (n > 0) back_substitute(c, n);
  c->count = n;
  c->squared_norm = norm2;
  c->residual = norm2 - dot_selected(c, n);
}

/* ---- the learner's passes (DictionaryLearner.java) ---- */

/* Normal equations A = Z'Z (atoms x atoms), B = Z'X (atoms x dim), atom use counts. */
typedef struct {
  double* a;
  double* b;
  int* uses;
} Normal;

/* DictionaryLearner.store, values in double. */
static void store_d(const Coder* c, int k, int* idx, double* val, int* count, double* error) {
  for (int s = 0; s < c->count; s++) {
    idx[s] = c->selected[s];
    val[s] = c->coefficients[s];
  }
  for (int s = c->count; s < k; s++) {
    idx[s] = 0;
    val[s] = 0;
  }
  *count = c->count;
  double r = c->residual;
  *error = isnan(r) ? r : (r > 0 ? r : 0.0); /* Math.max(0, r) */
}

/* Kernels.widen: the row in double (its returned norm is not needed here). */
static void widen(const float* x, double* y, int n) {
  for (int i = 0; i < n; i++) y[i] = x[i];
}

typedef struct {
  int mode; /* a PASS_ value */
  const Dict* g;
  const float* x;
  int n, k;
  int stride, phase;
  int threads;
  int* indices;
  int* counts;
  double* values_d;
  double* errors;
  const double* norms_in;
  float* stored;
  Normal* partials; /* PASS_NORMAL: one per chunk */
  atomic_int next_block;
  atomic_int failed;
} Pass;

static void code_subset_rows(Pass* p, Coder* c, int from, int to) {
  const int d = p->g->dim, k = p->k, stride = p->stride;
  int start = from + (((p->phase - from) % stride) + stride) % stride; /* Math.floorMod */
  for (int r = start; r < to; r += stride) {
    code(c, p->g, p->x + (size_t)r * d, -1);
    if (c->residual < p->errors[r]) {
      store_d(c, k, p->indices + (size_t)r * k, p->values_d + (size_t)r * k, &p->counts[r], &p->errors[r]);
    }
  }
}

static void refit_rows(Pass* p, Coder* c, int from, int to) {
  const int d = p->g->dim, k = p->k;
  for (int r = from; r < to; r++) {
    int* idx = p->indices + (size_t)r * k;
    double* val = p->values_d + (size_t)r * k;
    widen(p->x + (size_t)r * d, c->row, d);
    refit(c, p->g, c->row, p->norms_in[r], idx, p->counts[r]);
    store_d(c, k, idx, val, &p->counts[r], &p->errors[r]);
  }
}

static void final_rows(Pass* p, Coder* c, int from, int to) {
  const int d = p->g->dim, k = p->k;
  for (int r = from; r < to; r++) {
    code(c, p->g, p->x + (size_t)r * d, -1);
    int* idx = p->indices + (size_t)r * k;
    double* val = p->values_d + (size_t)r * k;
    if (c->residual < p->errors[r]) store_d(c, k, idx, val, &p->counts[r], &p->errors[r]);
    for (int s = 0; s < k; s++) p->stored[(size_t)r * k + s] = (float)val[s];
  }
}

/*
 * NormalEquations.add over rows [from, to): the current code's A += z_r z_r' and B += z_r x_r into `ne` (zeroed),
 * rows in order.
 */
static void normal_rows(Pass* p, Coder* c, Normal* ne, int from, int to) {
  const int d = p->g->dim, K = p->g->atoms, k = p->k;
  for (int r = from; r < to; r++) {
    const int* idx = p->indices + (size_t)r * k;
    const double* val = p->values_d + (size_t)r * k;
    int count = p->counts[r];
    widen(p->x + (size_t)r * d, c->row, d);
    for (int s = 0; s < count; s++) {
      int i = idx[s];
      double v = val[s];
      axpy_d(v, c->row, ne->b + (size_t)i * d, d);
      double* ai = ne->a + (size_t)i * K;
      for (int t = 0; t < count; t++) ai[idx[t]] += v * val[t];
      ne->uses[i]++;
    }
  }
}

/* Threads take blocks of rows (for PASS_NORMAL, whole row ranges) as they come: every row's result depends on
 * that row alone, and each range has its own partial sums. */
static void* run_worker(void* arg) {
  Pass* p = arg;
  Coder* c = coder_new(p->g, p->k);
  if (!c) {
    atomic_store(&p->failed, 1);
    return NULL;
  }
  if (p->mode == PASS_NORMAL) {
    for (int b = atomic_fetch_add(&p->next_block, 1); b < NORMAL_CHUNKS; b = atomic_fetch_add(&p->next_block, 1)) {
      normal_rows(p, c, &p->partials[b], (int)((long)p->n * b / NORMAL_CHUNKS),
                  (int)((long)p->n * (b + 1) / NORMAL_CHUNKS));
    }
    coder_free(c);
    return NULL;
  }
  int blocks = (p->n + BLOCK - 1) / BLOCK;
  for (int b = atomic_fetch_add(&p->next_block, 1); b < blocks; b = atomic_fetch_add(&p->next_block, 1)) {
    int from = b * BLOCK;
    int to = from + BLOCK < p->n ? from + BLOCK : p->n;
    switch (p->mode) {
      case PASS_CODE_SUBSET:
        code_subset_rows(p, c, from, to);
        break;
      case PASS_REFIT:
        refit_rows(p, c, from, to);
        break;
      default: /* PASS_FINAL */
        final_rows(p, c, from, to);
    }
  }
  coder_free(c);
  return NULL;
}

/* Runs the pass on p->threads threads (the caller's among them); 0 on success, -1 if memory ran out. */
static int run_pass(Pass* p) {
  int threads = p->threads < 1 ? 1 : p->threads;
  if (threads > p->n) threads = p->n < 1 ? 1 : p->n;
  p->threads = threads;
  atomic_store(&p->next_block, 0);
  atomic_store(&p->failed, 0);
  pthread_t* ids = malloc(sizeof(pthread_t) * threads);
  char* started = calloc(threads, 1);
  if (!ids || !started) {
    free(ids);
    free(started);
    return -1;
  }
  for (int t = 1; t < threads; t++) {
    started[t] = pthread_create(&ids[t], NULL, run_worker, p) == 0;
  }
  /* The caller works too; blocks a thread that could not start would have taken go to whoever asks next. */
  run_worker(p);
  for (int t = 1; t < threads; t++) {
    if (started[t]) pthread_join(ids[t], NULL);
  }
  free(ids);
  free(started);
  return atomic_load(&p->failed) ? -1 : 0;
}

/* ---- the MOD update (DenseCholesky.java, ModUpdate.java) ---- */

/* DenseCholesky.factor on a flat m x m matrix (lower triangle used): 1 on success, 0 at a pivot <= min_pivot. */
static int cholesky_factor(double* a, int m, double min_pivot) {
  for (int j = 0; j < m; j++) {
    double* lj = a + (size_t)j * m;
    double pivot = lj[j] - dot(lj, lj, j);
    if (!(pivot > min_pivot)) return 0;
    double ljj = sqrt(pivot);
    lj[j] = ljj;
    for (int i = j + 1; i < m; i++) {
      double* li = a + (size_t)i * m;
      li[j] = (li[j] - dot(li, lj, j)) / ljj;
    }
  }
  return 1;
}

static void scale_d(double* x, double s, int n) {
  for (int i = 0; i < n; i++) x[i] *= s;
}

/* DenseCholesky.solve: L L' X = B in place, B as m rows of length n. */
static void cholesky_solve(const double* l, int m, double* b, int n) {
  for (int i = 0; i < m; i++) {
    const double* li = l + (size_t)i * m;
    for (int j = 0; j < i; j++) axpy_d(-li[j], b + (size_t)j * n, b + (size_t)i * n, n);
    scale_d(b + (size_t)i * n, 1.0 / li[i], n);
  }
  for (int i = m - 1; i >= 0; i--) {
    for (int j = i + 1; j < m; j++) axpy_d(-l[(size_t)j * m + i], b + (size_t)j * n, b + (size_t)i * n, n);
    scale_d(b + (size_t)i * n, 1.0 / l[(size_t)i * m + i], n);
  }
}

/* Rows ordered by error, largest first, ties to the lower row (ModUpdate.replaceUnused's order). */
static int by_error_desc(const void* p, const void* q, void* errors) {
  int i = *(const int*)p, j = *(const int*)q;
  double ei = ((const double*)errors)[i], ej = ((const double*)errors)[j];
  if (ei != ej) return ei > ej ? -1 : 1;
  return (i > j) - (i < j);
}

/*
 * ModUpdate.fromNormalEquations: D = A^-1 B over the used atoms, normalised into `dictionary` (atoms x dim), values
 * rescaled in place, unused atoms replaced by the normalised residuals of the worst rows. Returns the number of
 * replaced atoms, -1 when A is singular even with the ridge (nothing changed), -2 when memory ran out.
 */
static int mod_update(const Normal* ne, const float* x, int n, int dim, int atoms, int width, const int* indices,
                      double* values, const int* counts, const double* errors, float* dictionary) {
  int* used = malloc(sizeof(int) * atoms);
  double* scale = calloc(atoms, sizeof(double));
  char* present = calloc(atoms, 1);
  double* l = malloc(sizeof(double) * (size_t)atoms * atoms);
  double* rhs = malloc(sizeof(double) * (size_t)atoms * dim);
  double* residual = malloc(sizeof(double) * dim);
  int rc = -2;
  if (!used || !scale || !present || !l || !rhs || !residual) goto done;
  int m = 0;
  double max_diag = 0;
  for (int j = 0; j < atoms; j++) {
    double ajj = ne->a[(size_t)j * atoms + j];
    if (ne->uses[j] > 0 && ajj > 0) {
      used[m++] = j;
      max_diag = max_diag > ajj ? max_diag : ajj; /* Math.max: no NaN here */
    }
  }
  int solved = 0;
  double ridges[2] = {0, 1e-9 * max_diag};
  for (int attempt = 0; attempt < 2 && !solved; attempt++) {
    for (int u = 0; u < m; u++) {
      const double* src = ne->a + (size_t)used[u] * atoms;
      for (int v = 0; v <= u; v++) l[(size_t)u * m + v] = src[used[v]];
      l[(size_t)u * m + u] += ridges[attempt];
      memcpy(rhs + (size_t)u * dim, ne->b + (size_t)used[u] * dim, sizeof(double) * dim);
    }
    if (cholesky_factor(l, m, 1e-12 * max_diag)) {
      cholesky_solve(l, m, rhs, dim);
      solved = 1;
    }
  }
  if (!solved) {
    rc = -1;
    goto done;
  }
  for (int u = 0; u < m; u++) {
    int j = used[u];
    const double* sol = rhs + (size_t)u * dim;
    scale[j] = sqrt(dot(sol, sol, dim));
    if (scale[j] > 0) {
      for (int p = 0; p < dim; p++) dictionary[(size_t)j * dim + p] = (float)(sol[p] / scale[j]);
      present[j] = 1;
    }
  }
  size_t slots = (size_t)n * width;
  for (size_t i = 0; i < slots; i++) values[i] *= scale[indices[i]];
  int missing = 0;
  for (int j = 0; j < atoms; j++) missing += !present[j];
  rc = 0;
  if (missing > 0) {
    int* order = malloc(sizeof(int) * n);
    if (!order) {
      rc = -2;
      goto done;
    }
    for (int r = 0; r < n; r++) order[r] = r;
    qsort_r(order, n, sizeof(int), by_error_desc, (void*)errors);
    int rows = missing < n ? missing : n;
    int next = 0;
    for (int j = 0; j < atoms; j++) {
      if (present[j]) continue;
      float* atom = dictionary + (size_t)j * dim;
      int found = 0;
      while (!found && next < rows) {
        int r = order[next++];
        for (int p = 0; p < dim; p++) residual[p] = x[(size_t)r * dim + p];
        for (int s = 0; s < counts[r]; s++) {
          int a = indices[(size_t)r * width + s];
          if (present[a]) {
            double v = -values[(size_t)r * width + s];
            const float* d = dictionary + (size_t)a * dim;
            for (int p = 0; p < dim; p++) residual[p] += v * d[p];
          }
        }
        double norm = sqrt(dot(residual, residual, dim));
        if (norm > 1e-12) {
          for (int p = 0; p < dim; p++) atom[p] = (float)(residual[p] / norm);
          found = 1;
        }
      }
      if (!found) {
        memset(atom, 0, sizeof(float) * dim);
        atom[j % dim] = 1.0f;
      }
      present[j] = 1;
      rc++;
    }
    free(order);
  }
done:
  free(used);
  free(scale);
  free(present);
  free(l);
  free(rhs);
  free(residual);
  return rc;
}

/* ---- the learner (DictionaryLearner.learn) ---- */

static Normal normal_new(int atoms, int dim) {
  Normal ne = {calloc((size_t)atoms * atoms, sizeof(double)), calloc((size_t)atoms * dim, sizeof(double)),
               calloc(atoms, sizeof(int))};
  return ne;
}

static int normal_ok(const Normal* ne) { return ne->a && ne->b && ne->uses; }

static void normal_free(Normal* ne) {
  free(ne->a);
  free(ne->b);
  free(ne->uses);
}


/* One pass over all rows on `threads` threads. Returns sum(errors) as Java sums it, or NaN when memory ran out. */
static double learn_pass(int mode, const Dict* g, const float* x, int n, int k, int stride, int phase, int threads,
                         int* idx, double* val, int* cnt, double* err, const double* norms, float* stored) {
  Pass p = {0};
  p.mode = mode;
  p.g = g;
  p.x = x;
  p.n = n;
  p.k = k;
  p.stride = stride;
  p.phase = phase;
  p.threads = threads;
  p.indices = idx;
  p.values_d = val;
  p.counts = cnt;
  p.errors = err;
  p.norms_in = norms;
  p.stored = stored;
  if (run_pass(&p) != 0) return NAN;
  double s = 0;
  for (int r = 0; r < n; r++) s += err[r];
  return s;
}

/*
 * NormalEquations.ofCode: the normal equations of the current code, each fixed row range into its own partial sums
 * (in parallel), added in range order. 0, or -1 when memory ran out.
 */
static int normal_from_code(Normal* ne, Normal* partials, const Dict* g, const float* x, int n, int k, int threads,
                            int* idx, double* val, int* cnt) {
  const int atoms = g->atoms, dim = g->dim;
  const size_t aa = (size_t)atoms * atoms, ab = (size_t)atoms * dim;
  for (int c = 0; c < NORMAL_CHUNKS; c++) {
    memset(partials[c].a, 0, sizeof(double) * aa);
    memset(partials[c].b, 0, sizeof(double) * ab);
    memset(partials[c].uses, 0, sizeof(int) * atoms);
  }
  Pass p = {0};
  p.mode = PASS_NORMAL;
  p.g = g;
  p.x = x;
  p.n = n;
  p.k = k;
  p.threads = threads < NORMAL_CHUNKS ? threads : NORMAL_CHUNKS;
  p.indices = idx;
  p.values_d = val;
  p.counts = cnt;
  p.partials = partials;
  if (run_pass(&p) != 0) return -1;
  memcpy(ne->a, partials[0].a, sizeof(double) * aa);
  memcpy(ne->b, partials[0].b, sizeof(double) * ab);
  memcpy(ne->uses, partials[0].uses, sizeof(int) * atoms);
  for (int c = 1; c < NORMAL_CHUNKS; c++) {
    for (size_t i = 0; i < aa; i++) ne->a[i] += partials[c].a[i];
    for (size_t i = 0; i < ab; i++) ne->b[i] += partials[c].b[i];
    for (int i = 0; i < atoms; i++) ne->uses[i] += partials[c].uses[i];
  }
  return 0;
}

/*
 * DictionaryLearner.learn from seeded atoms (dictionary: in the seeds, out the learned atoms). history holds the
 * objective per iteration, initial[0] the objective of the empty code (sum of squared row norms).
 */
int MC_ENTRY(learn)(const float* x, int n, int dim, int atoms, int k, int iterations, int stride, int threads,
                    float* dictionary, int* indices, float* stored, int* counts, double* errors, double* history,
                    double* initial, int* stats) {
  if (n < 1 || dim < 1 || atoms < 1 || k < 1 || k > atoms || iterations < 1 || stride < 1) {
    /* iterations >= 1 above all: the final objective is written to history[length - 1]. */
    stats[MATCOMP_STAT_STATUS] = MATCOMP_STATUS_BAD_ARGUMENT;
    return MATCOMP_STATUS_BAD_ARGUMENT;
  }
  size_t slots = (size_t)n * k;
  threads = threads < 1 ? 1 : (threads > n ? (n < 1 ? 1 : n) : threads);
  double* values = calloc(slots, sizeof(double));
  double* norms = malloc(sizeof(double) * n);
  double* row = malloc(sizeof(double) * dim);
  int* saved_indices = malloc(sizeof(int) * slots);
  double* saved_values = malloc(sizeof(double) * slots);
  int* saved_counts = malloc(sizeof(int) * n);
  double* saved_errors = malloc(sizeof(double) * n);
  float* next_dictionary = malloc(sizeof(float) * (size_t)atoms * dim);
  Normal normal = normal_new(atoms, dim);
  Normal partials[NORMAL_CHUNKS];
  int partials_ok = 1;
  for (int c = 0; c < NORMAL_CHUNKS; c++) {
    partials[c] = normal_new(atoms, dim);
    partials_ok = partials_ok && normal_ok(&partials[c]);
  }
  Dict gram = {0}, next = {0};
  int have_dicts = 0;
  int status = MATCOMP_STATUS_NO_MEMORY;
  if (!values || !norms || !row || !saved_indices || !saved_values || !saved_counts || !saved_errors
      || !next_dictionary || !normal_ok(&normal) || !partials_ok) {
    goto done;
  }
  double total = 0;
  for (int r = 0; r < n; r++) {
    widen(x + (size_t)r * dim, row, dim);
    norms[r] = dot(row, row, dim);
    errors[r] = norms[r];
    total += errors[r];
  }
  *initial = total;
  if (!isfinite(total)) {
    status = MATCOMP_STATUS_NOT_FINITE;
    goto done;
  }
  memset(indices, 0, sizeof(int) * slots);
  memset(counts, 0, sizeof(int) * n);
  if (dict_alloc(&gram, atoms, dim) != 0) goto done;
  if (dict_alloc(&next, atoms, dim) != 0) {
    dict_free(&gram);
    goto done;
  }
  have_dicts = 1;
  dict_fill(&gram, dictionary);
  int length = iterations, reverted = 0, replaced = 0;
  for (int t = 0; t < iterations; t++) {
    double coded = learn_pass(PASS_CODE_SUBSET, &gram, x, n, k, stride, t % stride, threads, indices, values,
                              counts, errors, NULL, NULL);
    if (isnan(coded)) goto done;
    memcpy(saved_indices, indices, sizeof(int) * slots);
    memcpy(saved_values, values, sizeof(double) * slots);
    memcpy(saved_counts, counts, sizeof(int) * n);
    memcpy(saved_errors, errors, sizeof(double) * n);
    if (normal_from_code(&normal, partials, &gram, x, n, k, threads, indices, values, counts) != 0) goto done;
    memcpy(next_dictionary, dictionary, sizeof(float) * (size_t)atoms * dim);
    int update = mod_update(&normal, x, n, dim, atoms, k, indices, values, counts, errors, next_dictionary);
    if (update == -2) goto done;
    if (update >= 0) {
      dict_fill(&next, next_dictionary);
      double objective = learn_pass(PASS_REFIT, &next, x, n, k, 1, 0, threads, indices, values, counts, errors,
                                    norms, NULL);
      if (isnan(objective)) goto done;
      if (objective <= coded) {
        memcpy(dictionary, next_dictionary, sizeof(float) * (size_t)atoms * dim);
        Dict previous = gram;
        gram = next;
        gram.atom_rows = dictionary;
        next = previous;
        replaced += update;
        history[t] = objective;
        continue;
      }
    }
    /* Undo the update; coding is deterministic, so repeating the iteration would only repeat this: stop. */
    reverted++;
    memcpy(indices, saved_indices, sizeof(int) * slots);
    memcpy(values, saved_values, sizeof(double) * slots);
    memcpy(counts, saved_counts, sizeof(int) * n);
    memcpy(errors, saved_errors, sizeof(double) * n);
    history[t] = coded;
    length = t + 1;
    break;
  }
  double objective = learn_pass(PASS_FINAL, &gram, x, n, k, 1, 0, threads, indices, values, counts, errors, NULL,
                                stored);
  if (isnan(objective)) goto done;
  history[length - 1] = objective;
  stats[MATCOMP_STAT_HISTORY_LENGTH] = length;
  stats[MATCOMP_STAT_REVERTED] = reverted;
  stats[MATCOMP_STAT_REPLACED] = replaced;
  status = MATCOMP_STATUS_OK;
done:
  if (have_dicts) {
    dict_free(&gram);
    dict_free(&next);
  }
  free(values);
  free(norms);
  free(row);
  free(saved_indices);
  free(saved_values);
  free(saved_counts);
  free(saved_errors);
  free(next_dictionary);
  normal_free(&normal);
  for (int c = 0; c < NORMAL_CHUNKS; c++) normal_free(&partials[c]);
  stats[MATCOMP_STAT_STATUS] = status;
  return status;
}

/* AtomSeeding.draw: an index drawn with probability proportional to dist by the uniform u, or -1 if all are 0. */
static int draw(const float* dist, int n, double u) {
  double total = 0;
  for (int i = 0; i < n; i++) total += dist[i];
  if (!(total > 1e-12)) return -1;
  double target = u * total;
  double acc = 0;
  int last = -1;
  for (int i = 0; i < n; i++) {
    if (dist[i] > 0) {
      acc += dist[i];
      last = i;
      if (acc > target) return i;
    }
  }
  return last;
}

/* AtomSeeding.pickAtoms: the k-means++ picks over the sample's unit rows t (dim rows of stride m, `usable` valid
 * columns). Returns how many atoms were chosen (fewer when every distance reached zero); -1 if memory ran out. */
static int seed_atoms(const float* t, int usable, int m, int dim, int atoms, int first, const double* uniforms,
                      float* chosen) {
  float* dist = malloc(sizeof(float) * usable);
  float* dots = malloc(sizeof(float) * usable);
  if (!dist || !dots) {
    free(dist);
    free(dots);
    return -1;
  }
  for (int i = 0; i < usable; i++) dist[i] = 1.0f;
  int a = 0;
  for (; a < atoms; a++) {
    int pick = a == 0 ? first : draw(dist, usable, uniforms[a]);
    if (pick < 0) break;
    float* atom = chosen + (size_t)a * dim;
    for (int p = 0; p < dim; p++) atom[p] = t[(size_t)p * m + pick];
    memset(dots, 0, sizeof(float) * usable);
    gemv4(atom, t, dim, m, dots, usable);
    for (int i = 0; i < usable; i++) {
      float s = 1.0f - dots[i] * dots[i];
      s = s > 0.0f ? s : 0.0f;
      dist[i] = dist[i] <= s ? dist[i] : s;
    }
    dist[pick] = 0.0f;
  }
  free(dist);
  free(dots);
  return a;
}

/* java.util.SplittableRandom (JDK 17), enough of it to draw what AtomSeeding draws: the same stream for the same
 * state, so the native seeding picks the same rows. */
static uint64_t split_next(uint64_t* state) { return *state += 0x9e3779b97f4a7c15ULL; }

static uint64_t split_mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static int32_t split_int(uint64_t* state) {
  uint64_t z = split_next(state);
  z = (z ^ (z >> 33)) * 0x62a9d9ed799705f5ULL;
  return (int32_t)(((z ^ (z >> 28)) * 0xcb24d0a5c88c35b3ULL) >> 32);
}

/* nextInt(bound): RandomSupport.boundedNextInt, Java's wrapping int arithmetic done in uint32. */
static int32_t split_bounded(uint64_t* state, int32_t bound) {
  int32_t r = split_int(state);
  int32_t m = bound - 1;
  if ((bound & m) == 0) return r & m;
  for (uint32_t u = (uint32_t)r >> 1;; u = (uint32_t)split_int(state) >> 1) {
    r = (int32_t)(u % (uint32_t)bound);
    if ((int32_t)(u + (uint32_t)m - (uint32_t)r) >= 0) return r;
  }
}

static double split_double(uint64_t* state) {
  return (double)(split_mix64(split_next(state)) >> 11) * 0x1.0p-53;
}

/* Kernels.squaredNorm: a float slice's squared norm in double, four partial sums. */
static double squared_norm_f(const float* x, int n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += (double)x[i] * x[i];
    s1 += (double)x[i + 1] * x[i + 1];
    s2 += (double)x[i + 2] * x[i + 2];
    s3 += (double)x[i + 3] * x[i + 3];
  }
  for (; i < n; i++) s0 += (double)x[i] * x[i];
  return (s0 + s1) + (s2 + s3);
}

/*
 * AtomSeeding.seed's sample: a partial Fisher-Yates shuffle of the n row numbers into order (n entries), whose first
 * m are the sampled rows. Returns m. `*state` comes in as the seed and leaves as the generator's state, to be passed
 * on to seed_rows. Split from seed_rows so that the caller copies in only the sampled rows, not the whole table.
 */
int MC_ENTRY(seed_sample)(int n, int atoms, uint64_t* state, int* order) {
  if (n < 0 || atoms < 1) return -MATCOMP_STATUS_BAD_ARGUMENT;
  int m = (int)((long)n < 2L * atoms ? n : 2L * atoms); /* AtomSeeding.SAMPLE_PER_ATOM = 2 */
  for (int i = 0; i < n; i++) order[i] = i;
  for (int i = 0; i < m; i++) {
    int j = i + split_bounded(state, n - i);
    int swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  return m;
}

/*
 * AtomSeeding.seed after the sample, up to the random fill: the sampled rows' unit vectors (sample: m x dim, in sample
 * order) and the k-means++ picks into chosen (atoms x dim). `*state` continues from seed_sample and leaves as the
 * generator's state, for the caller to fill the atoms not picked. Returns how many atoms were picked, or minus a
 * MATCOMP_STATUS_ code.
 */
int MC_ENTRY(seed_rows)(const float* sample, int m, int dim, int atoms, uint64_t* state, float* chosen) {
  if (m < 0 || dim < 1 || atoms < 1) return -MATCOMP_STATUS_BAD_ARGUMENT;
  float* t = malloc(sizeof(float) * (size_t)dim * (m > 0 ? m : 1));
  double* uniforms = malloc(sizeof(double) * atoms);
  int a = -MATCOMP_STATUS_NO_MEMORY;
  if (t && uniforms) {
    int usable = 0;
    for (int i = 0; i < m; i++) {
      const float* row = sample + (size_t)i * dim;
      double norm = sqrt(squared_norm_f(row, dim));
      if (norm > 0) {
        for (int p = 0; p < dim; p++) t[(size_t)p * m + usable] = (float)(row[p] / norm);
        usable++;
      }
    }
    a = 0;
    if (usable > 0) {
      int first = split_bounded(state, usable);
      for (int i = 1; i < atoms; i++) uniforms[i] = split_double(state);
      a = seed_atoms(t, usable, m, dim, atoms, first, uniforms, chosen);
      if (a < 0) a = -MATCOMP_STATUS_NO_MEMORY;
    }
  }
  free(t);
  free(uniforms);
  return a;
}

/* ---- Batch-OMP, streamed (BatchOmp.encodeValidated) ---- */

/*
 * Coding reads each row once and writes its code once, so the rows need not be in native memory all at once: they
 * pass through a few block-sized slots. The calling thread moves blocks between the slots and the caller's arrays
 * (MatcompRowStream: the JNI bridge's Get/Set<Type>ArrayRegion) and codes blocks itself when it has nothing to move;
 * the other threads only code. Compared with copying the whole input in and the whole code out, this touches about
 * a third of a megabyte of fresh memory instead of 3.4 MB (10 000 x 64 rows, k = 8), whose page faults were most of
 * the copies' cost in a fresh process, and the copying overlaps the coding. Every row's code depends on that row
 * alone, so the result does not depend on which thread codes which block.
 */
enum { SLOT_FREE, SLOT_FILLING, SLOT_READY, SLOT_CODING, SLOT_CODED, SLOT_DRAINING };

typedef struct {
  int state;
  int from, count; /* the rows it holds */
  double* res;     /* BLOCK each: residuals, squared norms, counts */
  double* nrm;
  int* cnt;
  float* x;        /* BLOCK x dim */
  int* idx;        /* BLOCK x k */
  float* val;      /* BLOCK x k */
} Slot;

typedef struct {
  const Dict* g;
  int k;
  double tolerance;
  Slot* slots;
  int nslots;
  pthread_mutex_t lock;
  pthread_cond_t ready; /* a slot became SLOT_READY, or the stream ended */
  pthread_cond_t coded; /* a slot became SLOT_CODED */
  int ended;
} Stream;

/* Codes the rows of one slot into the slot's outputs; code slots past a row's count are zeroed, as Java's are. */
static void code_slot(const Stream* s, Coder* c, Slot* slot) {
  const int d = s->g->dim, k = s->k;
  for (int i = 0; i < slot->count; i++) {
    code(c, s->g, slot->x + (size_t)i * d, s->tolerance);
    int* idx = slot->idx + (size_t)i * k;
    float* val = slot->val + (size_t)i * k;
    for (int t = 0; t < c->count; t++) {
      idx[t] = c->selected[t];
      val[t] = (float)c->coefficients[t];
    }
    for (int t = c->count; t < k; t++) {
      idx[t] = 0;
      val[t] = 0.0f;
    }
    slot->cnt[i] = c->count;
    slot->res[i] = c->residual;
    slot->nrm[i] = c->squared_norm;
  }
}

/* The first slot in `state`, or NULL; s->lock held. */
static Slot* find_slot(Stream* s, int state) {
  for (int i = 0; i < s->nslots; i++) {
    if (s->slots[i].state == state) return &s->slots[i];
  }
  return NULL;
}

/* Codes the slot (taken in SLOT_READY, s->lock held, and held again on return). */
static void code_locked(Stream* s, Coder* c, Slot* slot) {
  slot->state = SLOT_CODING;
  pthread_mutex_unlock(&s->lock);
  code_slot(s, c, slot);
  pthread_mutex_lock(&s->lock);
  slot->state = SLOT_CODED;
  pthread_cond_signal(&s->coded);
}

static void* stream_worker(void* arg) {
  Stream* s = arg;
  Coder* c = coder_new(s->g, s->k); /* without one this thread leaves the work to the others */
  pthread_mutex_lock(&s->lock);
  while (c != NULL) {
    Slot* slot = find_slot(s, SLOT_READY);
    if (slot != NULL) {
      code_locked(s, c, slot);
    } else if (s->ended) {
      break;
    } else {
      pthread_cond_wait(&s->ready, &s->lock);
    }
  }
  pthread_mutex_unlock(&s->lock);
  coder_free(c);
  return NULL;
}

/* The calling thread's share: fill free slots first (so the workers never wait for rows), then drain coded ones,
 * then code; wait only when every slot is being coded elsewhere. */
static void stream_rows(Stream* s, Coder* c, int n, const MatcompRowStream* rows) {
  const int blocks = (n + BLOCK - 1) / BLOCK;
  int filled = 0, drained = 0;
  pthread_mutex_lock(&s->lock);
  while (drained < blocks) {
    Slot* slot;
    if (filled < blocks && (slot = find_slot(s, SLOT_FREE)) != NULL) {
      slot->state = SLOT_FILLING;
      slot->from = filled * BLOCK;
      slot->count = n - slot->from < BLOCK ? n - slot->from : BLOCK;
      filled++;
      pthread_mutex_unlock(&s->lock);
      rows->read(rows->ctx, slot->from, slot->count, slot->x);
      pthread_mutex_lock(&s->lock);
      slot->state = SLOT_READY;
      pthread_cond_signal(&s->ready);
    } else if ((slot = find_slot(s, SLOT_CODED)) != NULL) {
      slot->state = SLOT_DRAINING;
      pthread_mutex_unlock(&s->lock);
      rows->write(rows->ctx, slot->from, slot->count, slot->idx, slot->val, slot->cnt, slot->res, slot->nrm);
      pthread_mutex_lock(&s->lock);
      slot->state = SLOT_FREE;
      drained++;
    } else if ((slot = find_slot(s, SLOT_READY)) != NULL) {
      code_locked(s, c, slot);
    } else {
      pthread_cond_wait(&s->coded, &s->lock);
    }
  }
  s->ended = 1;
  pthread_cond_broadcast(&s->ready);
  pthread_mutex_unlock(&s->lock);
}

/* Batch-OMP of the n rows `rows` delivers (BatchOmp.encodeValidated); returns a MATCOMP_STATUS_ code. */
int MC_ENTRY(encode)(const float* d, int atoms, int dim, int n, int k, double tolerance, int threads,
                     const MatcompRowStream* rows) {
  if (atoms < 1 || dim < 1 || n < 0 || k < 1 || k > atoms) return MATCOMP_STATUS_BAD_ARGUMENT;
  if (n == 0) return MATCOMP_STATUS_OK;
  const int blocks = (n + BLOCK - 1) / BLOCK;
  threads = threads < 1 ? 1 : (threads > blocks ? blocks : threads);
  Stream s = {0};
  s.k = k;
  s.tolerance = tolerance;
  s.nslots = 2 * threads; /* one being coded and one waiting, per thread */
  size_t slot_bytes = (size_t)BLOCK * (2 * sizeof(double) + sizeof(int) + (size_t)dim * sizeof(float)
                                       + (size_t)k * (sizeof(int) + sizeof(float)));
  Dict g;
  if (dict_init(&g, d, atoms, dim) != 0) return MATCOMP_STATUS_NO_MEMORY;
  s.g = &g;
  s.slots = calloc((size_t)s.nslots, sizeof(Slot));
  char* memory = malloc(slot_bytes * (size_t)s.nslots);
  Coder* c = coder_new(&g, k);
  pthread_t* ids = malloc(sizeof(pthread_t) * (size_t)threads);
  char* started = calloc((size_t)threads, 1);
  int status = MATCOMP_STATUS_NO_MEMORY;
  if (s.slots && memory && c && ids && started) {
    for (int i = 0; i < s.nslots; i++) {
      Slot* slot = &s.slots[i];
      char* at = memory + slot_bytes * (size_t)i; /* doubles first: every part stays aligned */
      slot->res = (double*)at;
      slot->nrm = slot->res + BLOCK;
      slot->cnt = (int*)(slot->nrm + BLOCK);
      slot->x = (float*)(slot->cnt + BLOCK);
      slot->idx = (int*)(slot->x + (size_t)BLOCK * dim);
      slot->val = (float*)(slot->idx + (size_t)BLOCK * k);
    }
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.ready, NULL);
    pthread_cond_init(&s.coded, NULL);
    for (int t = 1; t < threads; t++) started[t] = pthread_create(&ids[t], NULL, stream_worker, &s) == 0;
    stream_rows(&s, c, n, rows);
    for (int t = 1; t < threads; t++) {
      if (started[t]) pthread_join(ids[t], NULL);
    }
    pthread_cond_destroy(&s.coded);
    pthread_cond_destroy(&s.ready);
    pthread_mutex_destroy(&s.lock);
    status = MATCOMP_STATUS_OK;
  }
  free(started);
  free(ids);
  coder_free(c);
  free(memory);
  free(s.slots);
  dict_free(&g);
  return status;
}
