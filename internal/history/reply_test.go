package history

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// countSaves makes the database count the writes of message text, and
// returns a function that reads the count.
func countSaves(t *testing.T, s *Store) func() int {
	t.Helper()
	if _, err := s.db.Exec(`CREATE TABLE saves (message_id INTEGER);
		CREATE TRIGGER count_saves AFTER UPDATE OF text ON messages BEGIN
			INSERT INTO saves VALUES (new.id);
		END;`); err != nil {
		t.Fatal(err)
	}
	return func() int {
		var n int
		if err := s.db.QueryRow("SELECT count(*) FROM saves").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
}

func streamingReply(t *testing.T, s *Store) Message {
	t.Helper()
	c := create(t, s, "stream")
	add(t, s, c.ID, RoleUser, "tell me a story")
	r, err := s.AddMessage(c.ID, Message{Role: RoleAssistant, Status: StatusStreaming})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReplyWriterSavesAtBoundedRate(t *testing.T) {
	s := openTest(t)
	saves := countSaves(t, s)
	r := streamingReply(t, s)
	const interval = 40 * time.Millisecond
	w := s.NewReplyWriter(r.ID, interval)

	var sent strings.Builder
	start := time.Now()
	for i := 0; time.Since(start) < 400*time.Millisecond; i++ {
		chunk := fmt.Sprintf("word%d ", i)
		sent.WriteString(chunk)
		if err := w.Append(chunk); err != nil {
			t.Fatal(err)
		}
		if i == 50 {
			// Mid-stream, the database holds a beginning of the reply.
			got, err := s.Message(r.ID)
			if err != nil || got.Status != StatusStreaming || got.Text == "" || !strings.HasPrefix(sent.String(), got.Text) {
				t.Errorf("mid-stream: %+v, %v", got, err)
			}
		}
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	streamed := saves()
	if most := int(elapsed/interval) + 2; streamed > most || streamed < 3 {
		t.Errorf("%d saves in %v at one per %v; want 3 to %d", streamed, elapsed, interval, most)
	}

	if err := w.Finish(StatusComplete, "", Usage{Input: 5, Output: 99}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Message(r.ID)
	if err != nil || got.Text != sent.String() || got.Status != StatusComplete || got.OutputTokens != 99 {
		t.Errorf("after Finish: %.60q… %s %d, %v", got.Text, got.Status, got.OutputTokens, err)
	}
	// Appends after Finish change nothing.
	w.Append("late")
	time.Sleep(3 * interval)
	if again, _ := s.Message(r.ID); again.Text != sent.String() {
		t.Errorf("an Append after Finish was saved: …%q", again.Text[max(0, len(again.Text)-20):])
	}
}

// TestReplyWriterSavesWithoutMoreText: text is saved within an interval
// even when no more text follows it.
func TestReplyWriterSavesWithoutMoreText(t *testing.T) {
	s := openTest(t)
	r := streamingReply(t, s)
	w := s.NewReplyWriter(r.ID, 20*time.Millisecond)
	w.Append("Once upon")
	w.Append(" a time")
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, err := s.Message(r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Text == "Once upon a time" && got.Status == StatusStreaming {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the text was not saved: %+v", got)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := w.Finish(StatusStopped, "", Usage{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Message(r.ID); got.Status != StatusStopped || got.Text != "Once upon a time" {
		t.Errorf("after Finish: %+v", got)
	}
}

// crashChild is set in the child process of TestCrashMidReply: the
// database path.
const crashChild = "PARLEY_HISTORY_CRASH_CHILD"

// TestCrashMidReply kills a process with SIGKILL while it streams a reply
// into the history. Reopened, the history holds the user's message and the
// reply's text saved so far, marked interrupted, and is intact.
func TestCrashMidReply(t *testing.T) {
	if path := os.Getenv(crashChild); path != "" {
		streamForever(path)
		return
	}
	path := filepath.Join(t.TempDir(), "history.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashMidReply$", "-test.v=false")
	cmd.Env = append(os.Environ(), crashChild+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	// The child prints the reply's ID, then the number of each chunk as it
	// is appended.
	lines := bufio.NewScanner(out)
	var replyID int64
	appended := -1
	for lines.Scan() {
		line := lines.Text()
		if id, ok := strings.CutPrefix(line, "reply "); ok {
			replyID, _ = strconv.ParseInt(id, 10, 64)
			continue
		}
		if n, err := strconv.Atoi(line); err == nil {
			appended = n
		}
		if appended >= 300 {
			break
		}
	}
	if replyID == 0 || appended < 300 {
		t.Fatalf("the child stopped early (reply %d, chunk %d): %v", replyID, appended, lines.Err())
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup runs
		t.Fatal(err)
	}
	cmd.Wait()

	s, rec, err := Open(path)
	if err != nil || rec != nil {
		t.Fatalf("reopening after the crash: %v, %v", rec, err)
	}
	defer s.Close()
	if got := pragma(t, s, "integrity_check"); got != "ok" {
		t.Errorf("integrity_check after the crash = %q", got)
	}
	reply, err := s.Message(replyID)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := s.Messages(reply.ConversationID)
	if err != nil || len(ms) != 2 || ms[0].Role != RoleUser || ms[0].Text != "tell me a story" {
		t.Fatalf("messages after the crash: %+v, %v", ms, err)
	}
	if reply.Status != StatusInterrupted || reply.Error == "" {
		t.Errorf("the reply after the crash: status %q, error %q", reply.Status, reply.Error)
	}
	// The saved text is the stream's first chunks, whole: at least the
	// first 100 (appended well over an interval before the kill).
	var want strings.Builder
	saved := 0
	for want.Len() < len(reply.Text) {
		fmt.Fprintf(&want, "chunk%d ", saved)
		saved++
	}
	if reply.Text != want.String() || saved < 100 {
		t.Errorf("saved reply: %d chunks, %.40q…; want chunk0 to at least chunk99", saved, reply.Text)
	}
	t.Logf("%d of %d chunks were saved before the kill", saved, appended+1)
	checkIntegrity(t, s)
}

// streamForever is the child of TestCrashMidReply: it streams a reply into
// the history at path until it is killed.
func streamForever(path string) {
	s, _, err := Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	c, err := s.CreateConversation(Conversation{Title: "crash"})
	if err == nil {
		_, err = s.AddMessage(c.ID, Message{Role: RoleUser, Text: "tell me a story"})
	}
	var r Message
	if err == nil {
		r, err = s.AddMessage(c.ID, Message{Role: RoleAssistant, Status: StatusStreaming})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Printf("reply %d\n", r.ID)
	w := s.NewReplyWriter(r.ID, 10*time.Millisecond)
	for i := 0; ; i++ {
		if err := w.Append(fmt.Sprintf("chunk%d ", i)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println(i)
		time.Sleep(time.Millisecond)
	}
}
