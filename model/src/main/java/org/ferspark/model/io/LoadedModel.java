package org.ferspark.model.io;

import org.deeplearning4j.nn.graph.ComputationGraph;

/** A network read from a model file together with its metadata, already checked against each other. */
public record LoadedModel(ComputationGraph graph, ModelMetadata metadata) {
}
