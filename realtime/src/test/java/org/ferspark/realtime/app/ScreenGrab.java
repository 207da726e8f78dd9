package org.ferspark.realtime.app;

import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Toolkit;
import java.io.File;
import javax.imageio.ImageIO;

/** Saves a screenshot of the whole X screen ({@code $DISPLAY}) as PNG: {@code ScreenGrab OUT.png}. */
public final class ScreenGrab {
  private ScreenGrab() {
  }

  public static void main(String[] args) throws Exception {
    Rectangle screen = new Rectangle(Toolkit.getDefaultToolkit().getScreenSize());
    ImageIO.write(new Robot().createScreenCapture(screen), "png", new File(args[0]));
  }
}
