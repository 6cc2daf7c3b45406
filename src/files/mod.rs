//! Dataset directories and the `countervalue.csv` output file.
