//! A several-file exercise taken away: the learner's files as a zip, in a folder named after
//! the exercise, to unpack and push to GitHub. Stored, not compressed: the files are small
//! text, and a stored zip needs no compressor in the page.

/// The zip of `files` (path, text) under `folder/`, dated `modified_ms` (Unix epoch, UTC).
pub fn project_zip(folder: &str, files: &[(String, String)], modified_ms: u64) -> Vec<u8> {
    let (time, date) = dos_time(modified_ms);
    let mut zip = Vec::new();
    let mut directory = Vec::new();
    for (path, text) in files {
        let name = format!("{folder}/{path}");
        let data = text.as_bytes();
        let offset = zip.len() as u32;
        // What the local header and its directory entry share, from "version needed" on.
        let mut common = Vec::new();
        put16(&mut common, 20); // version needed: 2.0
        put16(&mut common, 0x0800); // the name is UTF-8
        put16(&mut common, 0); // stored
        put16(&mut common, time);
        put16(&mut common, date);
        put32(&mut common, crc32(data));
        put32(&mut common, data.len() as u32);
        put32(&mut common, data.len() as u32);
        put16(&mut common, name.len() as u16);
        put16(&mut common, 0); // no extra field

        put32(&mut zip, 0x0403_4b50);
        zip.extend_from_slice(&common);
        zip.extend_from_slice(name.as_bytes());
        zip.extend_from_slice(data);

        put32(&mut directory, 0x0201_4b50);
        put16(&mut directory, 0x0314); // made by Unix, 2.0: the attributes below are Unix modes
        directory.extend_from_slice(&common);
        put16(&mut directory, 0); // no comment
        put16(&mut directory, 0); // disk
        put16(&mut directory, 0); // internal attributes
        put32(&mut directory, 0o100_644 << 16); // a regular file, rw-r--r--
        put32(&mut directory, offset);
        directory.extend_from_slice(name.as_bytes());
    }
    let directory_offset = zip.len() as u32;
    zip.extend_from_slice(&directory);
    put32(&mut zip, 0x0605_4b50);
    put16(&mut zip, 0); // this disk
    put16(&mut zip, 0); // the directory's disk
    put16(&mut zip, files.len() as u16);
    put16(&mut zip, files.len() as u16);
    put32(&mut zip, directory.len() as u32);
    put32(&mut zip, directory_offset);
    put16(&mut zip, 0); // no comment
    zip
}

fn put16(out: &mut Vec<u8>, n: u16) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

/// CRC-32 (IEEE), as zip stores it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// MS-DOS (time, date) of a Unix time in ms, UTC; zip can't date anything before 1980.
fn dos_time(ms: u64) -> (u16, u16) {
    let secs = ms / 1000;
    let (days, of_day) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    if year < 1980 {
        return (0, (1 << 5) | 1);
    }
    let time = ((of_day / 3600) << 11) | ((of_day % 3600 / 60) << 5) | ((of_day % 60) / 2);
    let date = (((year - 1980) as u64) << 9) | (u64::from(month) << 5) | u64::from(day);
    (time as u16, date as u16)
}

/// (year, month, day) of a day count since 1970-01-01, in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn dates_are_the_calendar_day_and_time_in_utc() {
        // 2026-12-07 15:45:30 UTC.
        let (time, date) = dos_time(1_796_658_330_000);
        assert_eq!((date >> 9, (date >> 5) & 15, date & 31), (46, 12, 7));
        assert_eq!(
            (time >> 11, (time >> 5) & 63, (time & 31) * 2),
            (15, 45, 30)
        );
        // 2000-02-29, a leap day.
        let (_, date) = dos_time(951_782_400_000);
        assert_eq!((date >> 9, (date >> 5) & 15, date & 31), (20, 2, 29));
        // Before 1980: the earliest date zip has.
        assert_eq!(dos_time(0), (0, 0x21));
    }

    #[test]
    fn each_file_is_stored_under_the_folder_and_listed_once_in_the_directory() {
        let files = [
            ("main.py".to_owned(), "print('hi')\n".to_owned()),
            ("tests/test_é.py".to_owned(), String::new()),
        ];
        let zip = project_zip("word-count", &files, 1_796_658_330_000);
        let text = String::from_utf8_lossy(&zip);
        assert_eq!(text.matches("word-count/main.py").count(), 2); // header and directory
        assert_eq!(text.matches("word-count/tests/test_é.py").count(), 2);
        assert!(text.contains("print('hi')\n"));
        // The end record counts both files and points at the directory.
        let end = &zip[zip.len() - 22..];
        assert_eq!(&end[..4], &0x0605_4b50u32.to_le_bytes());
        assert_eq!(u16::from_le_bytes([end[10], end[11]]), 2);
        let directory_at = u32::from_le_bytes([end[16], end[17], end[18], end[19]]) as usize;
        assert_eq!(
            &zip[directory_at..directory_at + 4],
            &0x0201_4b50u32.to_le_bytes()
        );
    }
}
