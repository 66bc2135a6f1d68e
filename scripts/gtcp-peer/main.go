// The idle-connection peer of `make bench`: a gtcp server built as GoFrame's gtcp.Server and its
// long-connection example build one (a goroutine per connection reading through a bufio.Reader,
// a 2-byte big-endian length header, the JSON body decoded into {Act, Data}), on Go's standard
// library alone, since GoFrame itself cannot be fetched here. hello is answered; heartbeat is
// read and dropped, without the example's log line per packet, so the peer is at its leanest.
//
//	gtcp-peer LISTEN-ADDRESS
//
// prints "listening on HOST:PORT" once it listens, as the bench floor does.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

type msg struct {
	Act  string
	Data string
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gtcp-peer LISTEN-ADDRESS")
		os.Exit(2)
	}
	listener, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gtcp-peer:", err)
		os.Exit(1)
	}
	fmt.Println("listening on", listener.Addr())
	for {
		conn, err := listener.Accept()
		if err != nil {
			// Out of file descriptors, say: the bench counts the connect failure; a pause keeps
			// the loop from spinning until one is free.
			time.Sleep(10 * time.Millisecond)
			continue
		}
		go serve(conn)
	}
}

func serve(conn net.Conn) {
	defer conn.Close()
	reader := bufio.NewReader(conn)
	for {
		header := make([]byte, 2)
		if _, err := io.ReadFull(reader, header); err != nil {
			return
		}
		body := make([]byte, binary.BigEndian.Uint16(header))
		if _, err := io.ReadFull(reader, body); err != nil {
			return
		}
		var m msg
		if err := json.Unmarshal(body, &m); err != nil {
			return
		}
		if m.Act == "hello" {
			reply, _ := json.Marshal(msg{Act: "hello", Data: "Nice to meet you!"})
			frame := make([]byte, 2+len(reply))
			binary.BigEndian.PutUint16(frame, uint16(len(reply)))
			copy(frame[2:], reply)
			if _, err := conn.Write(frame); err != nil {
				return
			}
		}
	}
}
