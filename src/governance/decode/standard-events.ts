// The events a governance decision's simulation is read through: token transfers, role, ownership and delay
// changes, proxy upgrades, Safe configuration, and the governor's and timelock's own. Variants that differ
// only in which arguments are indexed (Safe 1.3 against 1.4, ERC20 against ERC721) are listed side by side;
// the decoder tries each with the log's topics.

import { parseAbi } from 'viem';

export const standardEvents = parseAbi([
  'event Transfer(address indexed from, address indexed to, uint256 value)',
  'event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)',
  'event Approval(address indexed owner, address indexed spender, uint256 value)',
  'event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)',
  'event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)',
  'event RoleAdminChanged(bytes32 indexed role, bytes32 indexed previousAdminRole, bytes32 indexed newAdminRole)',
  'event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)',
  'event MinDelayChange(uint256 oldDuration, uint256 newDuration)',
  'event NewDelay(uint256 indexed newDelay)',
  'event NewAdmin(address indexed newAdmin)',
  'event CallScheduled(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data, ' +
    'bytes32 predecessor, uint256 delay)',
  'event CallExecuted(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data)',
  'event Cancelled(bytes32 indexed id)',
  'event QueueTransaction(bytes32 indexed txHash, address indexed target, uint256 value, string signature, ' +
    'bytes data, uint256 eta)',
  'event ExecuteTransaction(bytes32 indexed txHash, address indexed target, uint256 value, string signature, ' +
    'bytes data, uint256 eta)',
  'event CancelTransaction(bytes32 indexed txHash, address indexed target, uint256 value, string signature, ' +
    'bytes data, uint256 eta)',
  'event NewPendingAdmin(address indexed newPendingAdmin)',
  'event Upgraded(address indexed implementation)',
  'event AdminChanged(address previousAdmin, address newAdmin)',
  'event BeaconUpgraded(address indexed beacon)',
  'event AddedOwner(address indexed owner)',
  'event AddedOwner(address owner)',
  'event RemovedOwner(address indexed owner)',
  'event RemovedOwner(address owner)',
  'event ChangedThreshold(uint256 threshold)',
  'event EnabledModule(address indexed module)',
  'event EnabledModule(address module)',
  'event DisabledModule(address indexed module)',
  'event DisabledModule(address module)',
  'event ChangedGuard(address indexed guard)',
  'event ChangedGuard(address guard)',
  'event ChangedModuleGuard(address indexed moduleGuard)',
  'event ChangedFallbackHandler(address indexed handler)',
  'event ExecutionSuccess(bytes32 indexed txHash, uint256 payment)',
  'event ExecutionSuccess(bytes32 txHash, uint256 payment)',
  'event ExecutionFailure(bytes32 indexed txHash, uint256 payment)',
  'event ExecutionFailure(bytes32 txHash, uint256 payment)',
  'event ApproveHash(bytes32 indexed approvedHash, address indexed owner)',
  'event SafeMultiSigTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, ' +
    'uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures, ' +
    'bytes additionalInfo)',
  'event ProposalQueued(uint256 proposalId, uint256 etaSeconds)',
  'event ProposalExecuted(uint256 proposalId)',
  'event QuorumNumeratorUpdated(uint256 oldQuorumNumerator, uint256 newQuorumNumerator)',
  'event VotingDelaySet(uint256 oldVotingDelay, uint256 newVotingDelay)',
  'event VotingPeriodSet(uint256 oldVotingPeriod, uint256 newVotingPeriod)',
  'event TimelockChange(address oldTimelock, address newTimelock)',
]);

/** Reverts a simulation may end in: Solidity's own, and the custom errors of the standard contracts. */
export const standardErrors = parseAbi([
  'error Error(string message)',
  'error Panic(uint256 code)',
  'error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)',
  'error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)',
  'error ERC20InvalidReceiver(address receiver)',
  'error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)',
  'error OwnableUnauthorizedAccount(address account)',
  'error TimelockInvalidOperationLength(uint256 targets, uint256 payloads, uint256 values)',
  'error TimelockInsufficientDelay(uint256 delay, uint256 minDelay)',
  'error TimelockUnexpectedOperationState(bytes32 operationId, bytes32 expectedStates)',
  'error TimelockUnexecutedPredecessor(bytes32 predecessorId)',
  'error TimelockUnauthorizedCaller(address caller)',
  'error FailedCall()',
  'error FailedInnerCall()',
  'error InsufficientBalance(uint256 balance, uint256 needed)',
  'error GovernorUnexpectedProposalState(uint256 proposalId, uint8 current, bytes32 expectedStates)',
  'error GovernorOnlyExecutor(address account)',
  'error ERC1967InvalidImplementation(address implementation)',
  'error UUPSUnauthorizedCallContext()',
]);
