package org.ferspark.realtime.source;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One frame from a {@link FrameSource}.
 *
 * @param bgr 8-bit BGR pixels, owned by the source and valid only until its next {@code grab()}
 * @param index 0-based frame number
 * @param seconds presentation time (video), seconds since start (camera) or 0 (images)
 * @param name the file name for image input, otherwise {@code null}
 */
public record GrabbedFrame(Mat bgr, long index, double seconds, String name) {
}
