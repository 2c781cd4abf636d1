import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace stallbench. */
export namespace stallbench {

    /** Dtype enum. */
    enum Dtype {

        /** DTYPE_UNSPECIFIED value */
        DTYPE_UNSPECIFIED = 0,

        /** INT8 value */
        INT8 = 1,

        /** UINT8 value */
        UINT8 = 2,

        /** INT16 value */
        INT16 = 3,

        /** UINT16 value */
        UINT16 = 4,

        /** INT32 value */
        INT32 = 5,

        /** UINT32 value */
        UINT32 = 6,

        /** FLOAT32 value */
        FLOAT32 = 7,

        /** FLOAT64 value */
        FLOAT64 = 8
    }

    /**
     * Properties of a Column.
     * @deprecated Use stallbench.Column.$Properties instead.
     */
    interface IColumn extends stallbench.Column.$Properties {
    }

    /** Represents a Column. */
    class Column {

        /**
         * Constructs a new Column.
         * @param [properties] Properties to set
         */
        constructor(properties?: stallbench.Column.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Column path. */
        path: string;

        /** Column dtype. */
        dtype: stallbench.Dtype;

        /** Column length. */
        length: number;

        /** Column data. */
        data: Uint8Array;

        /**
         * Encodes the specified Column message. Does not implicitly {@link stallbench.Column.verify|verify} messages.
         * @param message Column message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: stallbench.Column.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Column message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {stallbench.Column & stallbench.Column.$Shape} Column
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stallbench.Column & stallbench.Column.$Shape;

        /**
         * Gets the type url for Column
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Column {

        /** Properties of a Column. */
        interface $Properties {

            /** Column path */
            path?: (string|null);

            /** Column dtype */
            dtype?: (stallbench.Dtype|null);

            /** Column length */
            length?: (number|null);

            /** Column data */
            data?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Column. */
        type $Shape = stallbench.Column.$Properties;
    }

    /**
     * Properties of an Envelope.
     * @deprecated Use stallbench.Envelope.$Properties instead.
     */
    interface IEnvelope extends stallbench.Envelope.$Properties {
    }

    /** Represents an Envelope. */
    class Envelope {

        /**
         * Constructs a new Envelope.
         * @param [properties] Properties to set
         */
        constructor(properties?: stallbench.Envelope.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Envelope kinds. */
        kinds: Uint8Array;

        /** Envelope counts. */
        counts: number[];

        /** Envelope keys. */
        keys: string[];

        /** Envelope numbers. */
        numbers: number[];

        /** Envelope strings. */
        strings: string[];

        /** Envelope columns. */
        columns: stallbench.Column.$Properties[];

        /**
         * Encodes the specified Envelope message. Does not implicitly {@link stallbench.Envelope.verify|verify} messages.
         * @param message Envelope message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: stallbench.Envelope.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an Envelope message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {stallbench.Envelope & stallbench.Envelope.$Shape} Envelope
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stallbench.Envelope & stallbench.Envelope.$Shape;

        /**
         * Gets the type url for Envelope
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Envelope {

        /** Properties of an Envelope. */
        interface $Properties {

            /** Envelope kinds */
            kinds?: (Uint8Array|null);

            /** Envelope counts */
            counts?: (number[]|null);

            /** Envelope keys */
            keys?: (string[]|null);

            /** Envelope numbers */
            numbers?: (number[]|null);

            /** Envelope strings */
            strings?: (string[]|null);

            /** Envelope columns */
            columns?: (stallbench.Column.$Properties[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an Envelope. */
        type $Shape = stallbench.Envelope.$Properties;
    }
}
