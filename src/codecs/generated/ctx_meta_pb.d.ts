import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace stallbench. */
export namespace stallbench {

    /**
     * Properties of a CtxMeta.
     * @deprecated Use stallbench.CtxMeta.$Properties instead.
     */
    interface ICtxMeta extends stallbench.CtxMeta.$Properties {
    }

    /** Represents a CtxMeta. */
    class CtxMeta {

        /**
         * Constructs a new CtxMeta.
         * @param [properties] Properties to set
         */
        constructor(properties?: stallbench.CtxMeta.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** CtxMeta stepId. */
        stepId: number;

        /** CtxMeta blockSize. */
        blockSize: number;

        /** CtxMeta reqIds. */
        reqIds: string[];

        /** CtxMeta seqLens. */
        seqLens: number[];

        /** CtxMeta numNewTokens. */
        numNewTokens: number[];

        /** CtxMeta temperature. */
        temperature: number[];

        /** CtxMeta topP. */
        topP: number[];

        /** CtxMeta topK. */
        topK: number[];

        /** CtxMeta blockTableOffsets. */
        blockTableOffsets: number[];

        /** CtxMeta blockTables. */
        blockTables: number[];

        /** CtxMeta slotOffsets. */
        slotOffsets: number[];

        /** CtxMeta slotMapping. */
        slotMapping: number[];

        /**
         * Encodes the specified CtxMeta message. Does not implicitly {@link stallbench.CtxMeta.verify|verify} messages.
         * @param message CtxMeta message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: stallbench.CtxMeta.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a CtxMeta message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {stallbench.CtxMeta & stallbench.CtxMeta.$Shape} CtxMeta
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stallbench.CtxMeta & stallbench.CtxMeta.$Shape;

        /**
         * Gets the type url for CtxMeta
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace CtxMeta {

        /** Properties of a CtxMeta. */
        interface $Properties {

            /** CtxMeta stepId */
            stepId?: (number|null);

            /** CtxMeta blockSize */
            blockSize?: (number|null);

            /** CtxMeta reqIds */
            reqIds?: (string[]|null);

            /** CtxMeta seqLens */
            seqLens?: (number[]|null);

            /** CtxMeta numNewTokens */
            numNewTokens?: (number[]|null);

            /** CtxMeta temperature */
            temperature?: (number[]|null);

            /** CtxMeta topP */
            topP?: (number[]|null);

            /** CtxMeta topK */
            topK?: (number[]|null);

            /** CtxMeta blockTableOffsets */
            blockTableOffsets?: (number[]|null);

            /** CtxMeta blockTables */
            blockTables?: (number[]|null);

            /** CtxMeta slotOffsets */
            slotOffsets?: (number[]|null);

            /** CtxMeta slotMapping */
            slotMapping?: (number[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a CtxMeta. */
        type $Shape = stallbench.CtxMeta.$Properties;
    }
}
