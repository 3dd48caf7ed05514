//! Purpose: the CSV import loop — read rows, merge each valid one into its account, and every
//! 1,000 rows write the touched accounts with one audit entry per row in one atomic batch,
//! make it durable, then report that chunk's rejected rows and `committed through line N`.
//!
//! Durability (DECISIONS 1): a row's account and audit entry go into the same atomic batch,
//! and the acknowledgement is printed only after `Store::write_bulk` made it durable, so a kill
//! loses at most the rows after the last `committed through` line — never half a row.
//! Speed: a writer thread applies and flushes chunk k while this thread parses and encodes
//! chunk k+1 (the database's write and flush cost about as much as everything else). At
//! most one chunk is in flight, and acknowledgements stay in file order.

use std::io::{BufRead, BufReader, Write};
use std::sync::mpsc::{self, Receiver, SyncSender};

use super::columns::Columns;
use super::merge::Run;
use super::row;
use super::{report, ImportRequest, Summary, TransferError, ROWS_PER_FLUSH};
use crate::store::bulk::BulkBatch;
use crate::store::{Store, StoreError};

pub fn import(
    store: &Store,
    request: &ImportRequest,
    out: &mut dyn Write,
) -> Result<Summary, TransferError> {
    let path = request.file;
    let csv_error = |e: csv::Error| TransferError::Csv {
        path: path.to_path_buf(),
        why: e.to_string(),
    };
    let mut reader = open(request)?;
    let headers: Vec<String> = reader
        .byte_headers()
        .map_err(csv_error)?
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let columns = Columns::recognise(&headers).map_err(|why| TransferError::Headers {
        path: path.to_path_buf(),
        why,
    })?;

    let shared = store.book(request.tenant)?;
    // Held for the whole import: no command in this process may commit to the tenant meanwhile.
    let book = shared.write().unwrap_or_else(|p| p.into_inner());
    let timezone = book
        .settings
        .timezone
        .as_deref()
        .and_then(|z| z.parse().ok())
        .unwrap_or(request.timezone);
    let today = request.now.with_timezone(&timezone).date_naive();
    let mut run = Run::new(&book, store, request, today, book.next_account_id());

    let summary = std::thread::scope(|scope| -> Result<Summary, TransferError> {
        let (to_writer, batches) = mpsc::sync_channel::<Chunk>(0);
        let (written, results) = mpsc::channel();
        scope.spawn(move || {
            for chunk in batches {
                let result = store.write_bulk(chunk.batch);
                let failed = result.is_err();
                // After a failure nothing more is written: no later chunk may be acknowledged.
                if written
                    .send((chunk.line, chunk.rejections, result))
                    .is_err()
                    || failed
                {
                    break;
                }
            }
        });
        let mut pipeline = Pipeline {
            to_writer,
            results,
            in_flight: false,
        };
        let mut record = csv::ByteRecord::new();
        let (mut rows, mut line, mut rejections) = (0, 1, Vec::new());
        while reader.read_byte_record(&mut record).map_err(csv_error)? {
            if record
                .iter()
                .all(|cell| cell.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            line = record.position().map_or(line + 1, |p| p.line());
            let outcome = match csv::StringRecord::from_byte_record(std::mem::take(&mut record)) {
                Ok(text) => {
                    let outcome = row::parse(&text, &columns, request.dates.into())
                        .and_then(|row| run.apply(line, row, &columns));
                    record = text.into_byte_record();
                    outcome
                }
                Err(e) => {
                    record = e.into_byte_record();
                    Err(
                        "the row is not UTF-8 text; save the file as CSV UTF-8 and import it again"
                            .to_string(),
                    )
                }
            };
            if let Err(reason) = outcome {
                run.summary.rejected += 1;
                rejections.push(format!("line {line}: {reason}"));
            }
            rows += 1;
            if rows % ROWS_PER_FLUSH == 0 {
                pipeline.send(
                    Chunk {
                        batch: run.stage()?,
                        line,
                        rejections: std::mem::take(&mut rejections),
                    },
                    out,
                )?;
            }
        }
        if rows % ROWS_PER_FLUSH != 0 {
            pipeline.send(
                Chunk {
                    batch: run.stage()?,
                    line,
                    rejections,
                },
                out,
            )?;
        }
        pipeline.acknowledge(out)?;
        Ok(run.summary)
    })?;
    drop(book);
    store.forget_book(request.tenant);
    Ok(summary)
}

/// The CSV reader, with the delimiter the header line uses.
fn open(request: &ImportRequest) -> Result<csv::Reader<BufReader<std::fs::File>>, TransferError> {
    let read_error = |source| TransferError::Read {
        path: request.file.to_path_buf(),
        source,
    };
    let open = || std::fs::File::open(request.file).map_err(read_error);
    let mut first_line = Vec::new();
    BufReader::new(open()?)
        .read_until(b'\n', &mut first_line)
        .map_err(read_error)?;
    let reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter(&String::from_utf8_lossy(&first_line)))
        .from_reader(BufReader::with_capacity(1 << 16, open()?));
    Ok(reader)
}

/// Comma, or semicolon / tab when the header line uses those instead (European Excel, TSV).
fn delimiter(header_line: &str) -> u8 {
    let count = |c| header_line.matches(c).count();
    [',', ';', '\t']
        .into_iter()
        .max_by_key(|c| (count(*c), *c == ','))
        .map_or(b',', |c| c as u8)
}

/// One flush's worth: the staged records, the last line they cover, the rows rejected.
struct Chunk {
    batch: BulkBatch,
    line: u64,
    rejections: Vec<String>,
}

/// This thread's side of the writer thread.
struct Pipeline {
    to_writer: SyncSender<Chunk>,
    results: Receiver<(u64, Vec<String>, Result<(), StoreError>)>,
    in_flight: bool,
}

impl Pipeline {
    /// Waits for the chunk in flight, if any, then reports it: its rejected rows, and
    /// `committed through line N` once it is durable.
    fn acknowledge(&mut self, out: &mut dyn Write) -> Result<(), TransferError> {
        if !std::mem::take(&mut self.in_flight) {
            return Ok(());
        }
        let (line, rejections, result) = self
            .results
            .recv()
            .map_err(|_| TransferError::WriterStopped)?;
        for rejection in rejections {
            report(out, &rejection)?;
        }
        result?;
        report(out, &format!("committed through line {line}"))
    }

    /// Acknowledges the previous chunk, then hands `chunk` to the writer.
    fn send(&mut self, chunk: Chunk, out: &mut dyn Write) -> Result<(), TransferError> {
        self.acknowledge(out)?;
        self.to_writer
            .send(chunk)
            .map_err(|_| TransferError::WriterStopped)?;
        self.in_flight = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::delimiter;

    #[test]
    fn sniffs_the_delimiter_from_the_header_line() {
        assert_eq!(delimiter("Account Name,ARR,Renewal Date\n"), b',');
        assert_eq!(delimiter("Account Name;ARR;Renewal Date\n"), b';');
        assert_eq!(delimiter("Account Name\tARR\tRenewal Date\n"), b'\t');
        assert_eq!(delimiter("name\n"), b',');
    }
}
