/** The XOR data set of the notebook, inputs as columns: (0,0), (1,0), (0,1), (1,1) -> 0, 1, 1, 0. */
import * as M from '@puregrad/tensor/Matrix'
import type { Dataset } from '../Data.js'

export const xor: Dataset = { x: M.unsafeFromArray(2, 4, [0, 1, 0, 1, 0, 0, 1, 1]), y: M.row([0, 1, 1, 0]) }
