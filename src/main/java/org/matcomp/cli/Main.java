package org.matcomp.cli;
public final class Main { public static void main(String[] a) { System.out.println(org.tensorflow.TensorFlow.version()); } }
