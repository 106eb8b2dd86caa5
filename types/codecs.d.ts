// The codec packages ship no types for these entry points; lib/dicom/codecs.ts types what it uses.
declare module "@cornerstonejs/codec-charls/decode";
declare module "@cornerstonejs/codec-openjpeg/decode";
declare module "@cornerstonejs/codec-openjph";
declare module "@cornerstonejs/codec-libjpeg-turbo-8bit/decode";
declare module "jpeg-lossless-decoder-js";
