/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const stallbench = $root.stallbench = (() => {

    /**
     * Namespace stallbench.
     * @exports stallbench
     * @namespace
     */
    const stallbench = {};

    stallbench.CtxMeta = (function() {

        /**
         * Properties of a CtxMeta.
         * @typedef {Object} stallbench.CtxMeta.$Properties
         * @property {number|null} [stepId] CtxMeta stepId
         * @property {number|null} [blockSize] CtxMeta blockSize
         * @property {Array.<string>|null} [reqIds] CtxMeta reqIds
         * @property {Array.<number>|null} [seqLens] CtxMeta seqLens
         * @property {Array.<number>|null} [numNewTokens] CtxMeta numNewTokens
         * @property {Array.<number>|null} [temperature] CtxMeta temperature
         * @property {Array.<number>|null} [topP] CtxMeta topP
         * @property {Array.<number>|null} [topK] CtxMeta topK
         * @property {Array.<number>|null} [blockTableOffsets] CtxMeta blockTableOffsets
         * @property {Array.<number>|null} [blockTables] CtxMeta blockTables
         * @property {Array.<number>|null} [slotOffsets] CtxMeta slotOffsets
         * @property {Array.<number>|null} [slotMapping] CtxMeta slotMapping
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a CtxMeta.
         * @memberof stallbench
         * @interface ICtxMeta
         * @augments stallbench.CtxMeta.$Properties
         * @deprecated Use stallbench.CtxMeta.$Properties instead.
         */

        /**
         * Shape of a CtxMeta.
         * @typedef {stallbench.CtxMeta.$Properties} stallbench.CtxMeta.$Shape
         */

        /**
         * Constructs a new CtxMeta.
         * @memberof stallbench
         * @classdesc Represents a CtxMeta.
         * @constructor
         * @param {stallbench.CtxMeta.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const CtxMeta = function (properties) {
            this.reqIds = [];
            this.seqLens = [];
            this.numNewTokens = [];
            this.temperature = [];
            this.topP = [];
            this.topK = [];
            this.blockTableOffsets = [];
            this.blockTables = [];
            this.slotOffsets = [];
            this.slotMapping = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * CtxMeta stepId.
         * @member {number} stepId
         * @memberof stallbench.CtxMeta
         * @instance
         */
        CtxMeta.prototype.stepId = 0;

        /**
         * CtxMeta blockSize.
         * @member {number} blockSize
         * @memberof stallbench.CtxMeta
         * @instance
         */
        CtxMeta.prototype.blockSize = 0;

        /**
         * CtxMeta reqIds.
         * @member {Array.<string>} reqIds
         * @memberof stallbench.CtxMeta
         * @instance
         */
        CtxMeta.prototype.reqIds = $util.emptyArray;

        /**
         * CtxMeta seqLens.
         * @member {Array.<number>} seqLens
         * @memberof stallbench.CtxMeta
         * @instance
         */
        CtxMeta.prototype.seqLens = $util.emptyArray;

        /**
         * CtxMeta numNewTokens.
         * @member {Array.<number>} numNewTokens
         * @memberof stallbench.CtxMeta
         * @instance
         */
        CtxMeta.prototype.numNewTokens = $util.emptyArray;

        /**
         * CtxMeta temperature.
         * @member {Array.<number>} temperature
         * @memberof stallbench.CtxMeta
         * @instance
         */
        CtxMeta.prototype.temperature = $util.emptyArray;

        /**
         * CtxMeta topP.
         * @member {Array.<number>} topP
         * @memberof stallbench.CtxMeta
         * @instance
         */
        CtxMeta.prototype.topP = $util.emptyArray;

        /**
         * CtxMeta topK.
         * @member {Array.<number>} topK
         * @memberof stallbench.CtxMeta
         * @instance
         */
        CtxMeta.prototype.topK = $util.emptyArray;

        /**
         * CtxMeta blockTableOffsets.
         * @member {Array.<number>} blockTableOffsets
         * @memberof stallbench.CtxMeta
         * @instance
         */
        CtxMeta.prototype.blockTableOffsets = $util.emptyArray;

        /**
         * CtxMeta blockTables.
         * @member {Array.<number>} blockTables
         * @memberof stallbench.CtxMeta
         * @instance
         */
        CtxMeta.prototype.blockTables = $util.emptyArray;

        /**
         * CtxMeta slotOffsets.
         * @member {Array.<number>} slotOffsets
         * @memberof stallbench.CtxMeta
         * @instance
         */
        CtxMeta.prototype.slotOffsets = $util.emptyArray;

        /**
         * CtxMeta slotMapping.
         * @member {Array.<number>} slotMapping
         * @memberof stallbench.CtxMeta
         * @instance
         */
        CtxMeta.prototype.slotMapping = $util.emptyArray;

        /**
         * Encodes the specified CtxMeta message. Does not implicitly {@link stallbench.CtxMeta.verify|verify} messages.
         * @function encode
         * @memberof stallbench.CtxMeta
         * @static
         * @param {stallbench.CtxMeta.$Properties} message CtxMeta message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        CtxMeta.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.stepId != null && $Object.hasOwnProperty.call(message, "stepId") && message.stepId !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.stepId);
            if (message.blockSize != null && $Object.hasOwnProperty.call(message, "blockSize") && message.blockSize !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.blockSize);
            if (message.reqIds != null && message.reqIds.length)
                for (let i = 0; i < message.reqIds.length; ++i)
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.reqIds[i]);
            if (message.seqLens != null && message.seqLens.length)
                writer.uint32(/* id 4, wireType 2 =*/34).int32s(message.seqLens);
            if (message.numNewTokens != null && message.numNewTokens.length)
                writer.uint32(/* id 5, wireType 2 =*/42).int32s(message.numNewTokens);
            if (message.temperature != null && message.temperature.length)
                writer.uint32(/* id 6, wireType 2 =*/50).floats(message.temperature);
            if (message.topP != null && message.topP.length)
                writer.uint32(/* id 7, wireType 2 =*/58).floats(message.topP);
            if (message.topK != null && message.topK.length)
                writer.uint32(/* id 8, wireType 2 =*/66).int32s(message.topK);
            if (message.blockTableOffsets != null && message.blockTableOffsets.length)
                writer.uint32(/* id 9, wireType 2 =*/74).int32s(message.blockTableOffsets);
            if (message.blockTables != null && message.blockTables.length)
                writer.uint32(/* id 10, wireType 2 =*/82).int32s(message.blockTables);
            if (message.slotOffsets != null && message.slotOffsets.length)
                writer.uint32(/* id 11, wireType 2 =*/90).int32s(message.slotOffsets);
            if (message.slotMapping != null && message.slotMapping.length)
                writer.uint32(/* id 12, wireType 2 =*/98).int32s(message.slotMapping);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a CtxMeta message from the specified reader or buffer.
         * @function decode
         * @memberof stallbench.CtxMeta
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {stallbench.CtxMeta & stallbench.CtxMeta.$Shape} CtxMeta
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        CtxMeta.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.stallbench.CtxMeta();
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
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.stepId = value;
                        else
                            delete message.stepId;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.blockSize = value;
                        else
                            delete message.blockSize;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if (!(message.reqIds && message.reqIds.length))
                            message.reqIds = [];
                        message.reqIds.push(reader.stringVerify());
                        continue;
                    }
                case 4: {
                        if (wireType === 2) {
                            if (!(message.seqLens && message.seqLens.length))
                                message.seqLens = [];
                            reader.int32s(message.seqLens);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.seqLens && message.seqLens.length))
                            message.seqLens = [];
                        message.seqLens.push(reader.int32());
                        continue;
                    }
                case 5: {
                        if (wireType === 2) {
                            if (!(message.numNewTokens && message.numNewTokens.length))
                                message.numNewTokens = [];
                            reader.int32s(message.numNewTokens);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.numNewTokens && message.numNewTokens.length))
                            message.numNewTokens = [];
                        message.numNewTokens.push(reader.int32());
                        continue;
                    }
                case 6: {
                        if (wireType === 2) {
                            if (!(message.temperature && message.temperature.length))
                                message.temperature = [];
                            reader.floats(message.temperature);
                            continue;
                        }
                        if (wireType !== 5)
                            break;
                        if (!(message.temperature && message.temperature.length))
                            message.temperature = [];
                        message.temperature.push(reader.float());
                        continue;
                    }
                case 7: {
                        if (wireType === 2) {
                            if (!(message.topP && message.topP.length))
                                message.topP = [];
                            reader.floats(message.topP);
                            continue;
                        }
                        if (wireType !== 5)
                            break;
                        if (!(message.topP && message.topP.length))
                            message.topP = [];
                        message.topP.push(reader.float());
                        continue;
                    }
                case 8: {
                        if (wireType === 2) {
                            if (!(message.topK && message.topK.length))
                                message.topK = [];
                            reader.int32s(message.topK);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.topK && message.topK.length))
                            message.topK = [];
                        message.topK.push(reader.int32());
                        continue;
                    }
                case 9: {
                        if (wireType === 2) {
                            if (!(message.blockTableOffsets && message.blockTableOffsets.length))
                                message.blockTableOffsets = [];
                            reader.int32s(message.blockTableOffsets);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.blockTableOffsets && message.blockTableOffsets.length))
                            message.blockTableOffsets = [];
                        message.blockTableOffsets.push(reader.int32());
                        continue;
                    }
                case 10: {
                        if (wireType === 2) {
                            if (!(message.blockTables && message.blockTables.length))
                                message.blockTables = [];
                            reader.int32s(message.blockTables);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.blockTables && message.blockTables.length))
                            message.blockTables = [];
                        message.blockTables.push(reader.int32());
                        continue;
                    }
                case 11: {
                        if (wireType === 2) {
                            if (!(message.slotOffsets && message.slotOffsets.length))
                                message.slotOffsets = [];
                            reader.int32s(message.slotOffsets);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.slotOffsets && message.slotOffsets.length))
                            message.slotOffsets = [];
                        message.slotOffsets.push(reader.int32());
                        continue;
                    }
                case 12: {
                        if (wireType === 2) {
                            if (!(message.slotMapping && message.slotMapping.length))
                                message.slotMapping = [];
                            reader.int32s(message.slotMapping);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.slotMapping && message.slotMapping.length))
                            message.slotMapping = [];
                        message.slotMapping.push(reader.int32());
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
         * Gets the type url for CtxMeta
         * @function getTypeUrl
         * @memberof stallbench.CtxMeta
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        CtxMeta.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/stallbench.CtxMeta";
        };

        return CtxMeta;
    })();

    return stallbench;
})();

export {
  $root as default
};
