package org.matcomp.compressor.kmeans;

/**
 * The optimal split of weighted sorted scalars into k contiguous runs, boundaries restricted to given candidate positions, by
 * dynamic programming: D_j(i) = min_t D_{j−1}(t) + SSE(t, i). The optimal t is non-decreasing in i (the 1-D
 * k-means cost satisfies the quadrangle inequality, as used by Wang &amp; Song's Ckmeans.1d.dp), so each row is
 * solved by divide and conquer in O(B log B) for B candidates, O(k·B·log B) in all. With every distinct value a
 * candidate this is the exact k-means optimum of the points; with fewer candidates it is the optimum on that grid.
 */
final class OptimalPartition {
  private final WeightedScalars data;
  private final int[] candidates;
  private double[] previous;
  private double[] current;
  private int[] choice;
  private int row;

  private OptimalPartition(WeightedScalars data, int[] candidates) {
    this.data = data;
    this.candidates = candidates;
  }

  /**
   * Means of the k runs of the optimal partition, ascending. {@code candidates} are sorted positions starting at 0
   * and ending at n, with at least k + 1 entries; a run boundary can only fall on one of them.
   */
  static double[] centroids(WeightedScalars data, int[] candidates, int k) {
    return new OptimalPartition(data, candidates).solve(k);
  }

  private double[] solve(int k) {
    int b = candidates.length - 1;
    previous = new double[b + 1];
    current = new double[b + 1];
    int[][] back = new int[k][];
    for (int i = 1; i <= b; i++) {
      previous[i] = cost(0, i);
    }
    for (row = 1; row < k; row++) {
      choice = new int[b + 1];
      java.util.Arrays.fill(current, Double.POSITIVE_INFINITY);
      divide(row + 1, b, row, b - 1);
      back[row] = choice;
      double[] t = previous;
      previous = current;
      current = t;
    }
    double[] c = new double[k];
    int end = b;
    for (int j = k - 1; j >= 0; j--) {
      int start = j == 0 ? 0 : back[j][end];
      c[j] = data.mean(candidates[start], candidates[end]);
      end = start;
    }
    return c;
  }

  /** Fills D_row(i) for i in [lo, hi], knowing that the optimal split of each lies in [optLo, optHi]. */
  private void divide(int lo, int hi, int optLo, int optHi) {
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int bestT = -1;
      double best = Double.POSITIVE_INFINITY;
      int last = Math.min(optHi, mid - 1);
      for (int t = Math.max(optLo, row); t <= last; t++) {
        double v = previous[t] + cost(t, mid);
        if (v < best) {
          best = v;
          bestT = t;
        }
      }
      current[mid] = best;
      choice[mid] = bestT;
      // Recurse on the smaller half and loop on the other, so the stack stays O(log B).
      if (mid - lo < hi - mid) {
        divide(lo, mid - 1, optLo, bestT);
        lo = mid + 1;
        optLo = bestT;
      } else {
        divide(mid + 1, hi, bestT, optHi);
        hi = mid - 1;
        optHi = bestT;
      }
    }
  }

  /** Squared error of the points between candidates t and i about their mean. */
  private double cost(int t, int i) {
    return data.cost(candidates[t], candidates[i]);
  }
}
