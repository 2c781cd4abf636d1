/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
const $root = $protobuf.roots["envelope"] || ($protobuf.roots["envelope"] = {});

export const stallbench = $root.stallbench = (() => {

    /**
     * Namespace stallbench.
     * @exports stallbench
     * @namespace
     */
    const stallbench = {};

    /**
     * Dtype enum.
     * @name stallbench.Dtype
     * @enum {number}
     * @property {number} DTYPE_UNSPECIFIED=0 DTYPE_UNSPECIFIED value
     * @property {number} INT8=1 INT8 value
     * @property {number} UINT8=2 UINT8 value
     * @property {number} INT16=3 INT16 value
     * @property {number} UINT16=4 UINT16 value
     * @property {number} INT32=5 INT32 value
     * @property {number} UINT32=6 UINT32 value
     * @property {number} FLOAT32=7 FLOAT32 value
     * @property {number} FLOAT64=8 FLOAT64 value
     */
    stallbench.Dtype = (function() {
        const valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "DTYPE_UNSPECIFIED"] = 0;
        values[valuesById[1] = "INT8"] = 1;
        values[valuesById[2] = "UINT8"] = 2;
        values[valuesById[3] = "INT16"] = 3;
        values[valuesById[4] = "UINT16"] = 4;
        values[valuesById[5] = "INT32"] = 5;
        values[valuesById[6] = "UINT32"] = 6;
        values[valuesById[7] = "FLOAT32"] = 7;
        values[valuesById[8] = "FLOAT64"] = 8;
        return values;
    })();

    stallbench.Column = (function() {

        /**
         * Properties of a Column.
         * @typedef {Object} stallbench.Column.$Properties
         * @property {string|null} [path] Column path
         * @property {stallbench.Dtype|null} [dtype] Column dtype
         * @property {number|null} [length] Column length
         * @property {Uint8Array|null} [data] Column data
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Column.
         * @memberof stallbench
         * @interface IColumn
         * @augments stallbench.Column.$Properties
         * @deprecated Use stallbench.Column.$Properties instead.
         */

        /**
         * Shape of a Column.
         * @typedef {stallbench.Column.$Properties} stallbench.Column.$Shape
         */

        /**
         * Constructs a new Column.
         * @memberof stallbench
         * @classdesc Represents a Column.
         * @constructor
         * @param {stallbench.Column.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Column = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Column path.
         * @member {string} path
         * @memberof stallbench.Column
         * @instance
         */
        Column.prototype.path = "";

        /**
         * Column dtype.
         * @member {stallbench.Dtype} dtype
         * @memberof stallbench.Column
         * @instance
         */
        Column.prototype.dtype = 0;

        /**
         * Column length.
         * @member {number} length
         * @memberof stallbench.Column
         * @instance
         */
        Column.prototype.length = 0;

        /**
         * Column data.
         * @member {Uint8Array} data
         * @memberof stallbench.Column
         * @instance
         */
        Column.prototype.data = $util.newBuffer([]);

        /**
         * Encodes the specified Column message. Does not implicitly {@link stallbench.Column.verify|verify} messages.
         * @function encode
         * @memberof stallbench.Column
         * @static
         * @param {stallbench.Column.$Properties} message Column message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Column.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.path != null && $Object.hasOwnProperty.call(message, "path") && message.path !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.path);
            if (message.dtype != null && $Object.hasOwnProperty.call(message, "dtype") && message.dtype !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).int32(message.dtype);
            if (message.length != null && $Object.hasOwnProperty.call(message, "length") && message.length !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.length);
            if (message.data != null && $Object.hasOwnProperty.call(message, "data") && message.data.length)
                writer.uint32(/* id 4, wireType 2 =*/34).bytes(message.data);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Column message from the specified reader or buffer.
         * @function decode
         * @memberof stallbench.Column
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {stallbench.Column & stallbench.Column.$Shape} Column
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Column.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.stallbench.Column();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.path = value;
                        else
                            delete message.path;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.dtype = value;
                        else
                            delete message.dtype;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.length = value;
                        else
                            delete message.length;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.data = value;
                        else
                            delete message.data;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Column
         * @function getTypeUrl
         * @memberof stallbench.Column
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Column.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/stallbench.Column";
        };

        return Column;
    })();

    stallbench.Envelope = (function() {

        /**
         * Properties of an Envelope.
         * @typedef {Object} stallbench.Envelope.$Properties
         * @property {Uint8Array|null} [kinds] Envelope kinds
         * @property {Array.<number>|null} [counts] Envelope counts
         * @property {Array.<string>|null} [keys] Envelope keys
         * @property {Array.<number>|null} [numbers] Envelope numbers
         * @property {Array.<string>|null} [strings] Envelope strings
         * @property {Array.<stallbench.Column.$Properties>|null} [columns] Envelope columns
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an Envelope.
         * @memberof stallbench
         * @interface IEnvelope
         * @augments stallbench.Envelope.$Properties
         * @deprecated Use stallbench.Envelope.$Properties instead.
         */

        /**
         * Shape of an Envelope.
         * @typedef {stallbench.Envelope.$Properties} stallbench.Envelope.$Shape
         */

        /**
         * Constructs a new Envelope.
         * @memberof stallbench
         * @classdesc Represents an Envelope.
         * @constructor
         * @param {stallbench.Envelope.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Envelope = function (properties) {
            this.counts = [];
            this.keys = [];
            this.numbers = [];
            this.strings = [];
            this.columns = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Envelope kinds.
         * @member {Uint8Array} kinds
         * @memberof stallbench.Envelope
         * @instance
         */
        Envelope.prototype.kinds = $util.newBuffer([]);

        /**
         * Envelope counts.
         * @member {Array.<number>} counts
         * @memberof stallbench.Envelope
         * @instance
         */
        Envelope.prototype.counts = $util.emptyArray;

        /**
         * Envelope keys.
         * @member {Array.<string>} keys
         * @memberof stallbench.Envelope
         * @instance
         */
        Envelope.prototype.keys = $util.emptyArray;

        /**
         * Envelope numbers.
         * @member {Array.<number>} numbers
         * @memberof stallbench.Envelope
         * @instance
         */
        Envelope.prototype.numbers = $util.emptyArray;

        /**
         * Envelope strings.
         * @member {Array.<string>} strings
         * @memberof stallbench.Envelope
         * @instance
         */
        Envelope.prototype.strings = $util.emptyArray;

        /**
         * Envelope columns.
         * @member {Array.<stallbench.Column.$Properties>} columns
         * @memberof stallbench.Envelope
         * @instance
         */
        Envelope.prototype.columns = $util.emptyArray;

        /**
         * Encodes the specified Envelope message. Does not implicitly {@link stallbench.Envelope.verify|verify} messages.
         * @function encode
         * @memberof stallbench.Envelope
         * @static
         * @param {stallbench.Envelope.$Properties} message Envelope message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Envelope.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.kinds != null && $Object.hasOwnProperty.call(message, "kinds") && message.kinds.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.kinds);
            if (message.counts != null && message.counts.length)
                writer.uint32(/* id 2, wireType 2 =*/18).uint32s(message.counts);
            if (message.keys != null && message.keys.length)
                for (let i = 0; i < message.keys.length; ++i)
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.keys[i]);
            if (message.numbers != null && message.numbers.length)
                writer.uint32(/* id 4, wireType 2 =*/34).doubles(message.numbers);
            if (message.strings != null && message.strings.length)
                for (let i = 0; i < message.strings.length; ++i)
                    writer.uint32(/* id 5, wireType 2 =*/42).string(message.strings[i]);
            if (message.columns != null && message.columns.length)
                for (let i = 0; i < message.columns.length; ++i)
                    $root.stallbench.Column.encode(message.columns[i], writer.uint32(/* id 6, wireType 2 =*/50).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an Envelope message from the specified reader or buffer.
         * @function decode
         * @memberof stallbench.Envelope
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {stallbench.Envelope & stallbench.Envelope.$Shape} Envelope
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Envelope.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.stallbench.Envelope();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.kinds = value;
                        else
                            delete message.kinds;
                        continue;
                    }
                case 2: {
                        if (wireType === 2) {
                            if (!(message.counts && message.counts.length))
                                message.counts = [];
                            reader.uint32s(message.counts);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.counts && message.counts.length))
                            message.counts = [];
                        message.counts.push(reader.uint32());
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if (!(message.keys && message.keys.length))
                            message.keys = [];
                        message.keys.push(reader.stringVerify());
                        continue;
                    }
                case 4: {
                        if (wireType === 2) {
                            if (!(message.numbers && message.numbers.length))
                                message.numbers = [];
                            reader.doubles(message.numbers);
                            continue;
                        }
                        if (wireType !== 1)
                            break;
                        if (!(message.numbers && message.numbers.length))
                            message.numbers = [];
                        message.numbers.push(reader.double());
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if (!(message.strings && message.strings.length))
                            message.strings = [];
                        message.strings.push(reader.stringVerify());
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        if (!(message.columns && message.columns.length))
                            message.columns = [];
                        message.columns.push($root.stallbench.Column.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Envelope
         * @function getTypeUrl
         * @memberof stallbench.Envelope
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Envelope.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/stallbench.Envelope";
        };

        return Envelope;
    })();

    return stallbench;
})();

export {
  $root as default
};
