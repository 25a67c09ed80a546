pub mod loghub_csv;
