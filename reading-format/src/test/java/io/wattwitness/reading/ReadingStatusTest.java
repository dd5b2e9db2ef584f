package io.wattwitness.reading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReadingStatusTest {

    @Test
    void wordsAreTheStoredWords() {
        assertEquals("verified", ReadingStatus.VERIFIED.word());
        assertEquals("disputed", ReadingStatus.DISPUTED.word());
        assertEquals("anomaly", ReadingStatus.ANOMALY.word());
    }

    @Test
    void fromWordReadsEveryWord() {
        assertEquals(ReadingStatus.VERIFIED, ReadingStatus.fromWord("verified"));
        assertEquals(ReadingStatus.DISPUTED, ReadingStatus.fromWord("disputed"));
        assertEquals(ReadingStatus.ANOMALY, ReadingStatus.fromWord("anomaly"));
    }

    @Test
    void fromWordRefusesUnknownWords() {
        IllegalArgumentException late = assertThrows(IllegalArgumentException.class,
                () -> ReadingStatus.fromWord("late"));
        assertEquals("unknown reading status 'late': expected one of verified, disputed, anomaly", late.getMessage());
        IllegalArgumentException upper = assertThrows(IllegalArgumentException.class,
                () -> ReadingStatus.fromWord("VERIFIED"));
        assertEquals("unknown reading status 'VERIFIED': expected one of verified, disputed, anomaly",
                upper.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> ReadingStatus.fromWord(null));
        assertEquals("unknown reading status null: expected one of verified, disputed, anomaly", none.getMessage());
    }

    /** The enum and the schema's CHECK constraint readings_status admit the same words, in the same order. */
    @Test
    void wordsMatchTheSchemaConstraint() throws IOException {
        Path migration = Path.of(System.getProperty("wattwitness.migrations.dir"), "V1__core.sql");
        String sql = Files.readString(migration);
        Matcher check = Pattern.compile("CONSTRAINT readings_status CHECK \\(status IN \\(([^)]*)\\)\\)").matcher(sql);
        assertTrue(check.find(), "readings_status constraint in " + migration);
        List<String> schemaWords = Arrays.stream(check.group(1).split(","))
                .map(word -> word.trim().replace("'", ""))
                .toList();
        assertEquals(List.of("verified", "disputed", "anomaly"), schemaWords);
        assertEquals(schemaWords, Arrays.stream(ReadingStatus.values()).map(ReadingStatus::word).toList());
    }
}
