// One-off: cuts aligned 150x150 face chips the dlib way (HOG detector, 68-point shape predictor,
// get_face_chip_details(shape, 150, 0.25) + extract_image_chip) for the OpenCV port's agreement
// test. For each input photo it keeps the largest detected face and writes NAME.png (for the
// node reference) and NAME.rgb (the same pixels raw, 150*150*3 bytes, for the C++ test).
//
// Build and run (see README.md):
//   g++ -std=c++20 -O2 -o /tmp/make_chips tools/reference/make_chips.cpp -ldlib -lpng -ljpeg -lblas
//   -llapack
//   /tmp/make_chips /usr/share/dlib/shape_predictor_68_face_landmarks.dat tests/data/port \
//       models/face-api-1.7.15/demo/sample1.jpg ...
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <dlib/image_io.h>
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: make_chips SHAPE_PREDICTOR.dat OUT_DIR IMAGE...\n";
    return 2;
  }
  dlib::shape_predictor predictor;
  dlib::deserialize(argv[1]) >> predictor;
  dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
  const std::filesystem::path out_dir = argv[2];
  for (int i = 3; i < argc; ++i) {
    const std::filesystem::path input = argv[i];
    dlib::array2d<dlib::rgb_pixel> image;
    dlib::load_image(image, input.string());
    const std::vector<dlib::rectangle> faces = detector(image);
    if (faces.empty()) {
      std::cerr << input << ": no face\n";
      continue;
    }
    dlib::rectangle largest = faces.front();
    for (const dlib::rectangle& face : faces) {
      if (face.area() > largest.area()) largest = face;
    }
    const dlib::full_object_detection shape = predictor(image, largest);
    dlib::matrix<dlib::rgb_pixel> chip;
    dlib::extract_image_chip(image, dlib::get_face_chip_details(shape, 150, 0.25), chip);
    const std::string stem = input.parent_path().filename().string() + "_" + input.stem().string();
    dlib::save_png(chip, (out_dir / (stem + ".png")).string());
    std::ofstream raw(out_dir / (stem + ".rgb"), std::ios::binary);
    for (long r = 0; r < chip.nr(); ++r) {
      for (long c = 0; c < chip.nc(); ++c) {
        const dlib::rgb_pixel p = chip(r, c);
        raw.put(static_cast<char>(p.red))
            .put(static_cast<char>(p.green))
            .put(static_cast<char>(p.blue));
      }
    }
    std::cout << stem << " " << faces.size() << " face(s), largest " << largest << "\n";
  }
  return 0;
}
